using Vigil.Core.Silences;
using static Vigil.Core.Tests.TestData;

namespace Vigil.Core.Tests.Silences;

public class SilenceValidationTests
{
    private static SilenceValidationResult Validate(params MatcherInput[] matchers) =>
        SilenceValidation.ValidateMatchers(matchers);

    [Fact]
    public void Valid_silence_has_no_errors_and_compiled_matchers()
    {
        var result = Validate(new MatcherInput("service", "checkout", false), new MatcherInput("instance", "a.*", true));

        Assert.True(result.IsValid);
        Assert.Equal(2, result.Matchers.Count);
    }

    [Fact]
    public void At_least_one_matcher_is_required()
    {
        Assert.Contains("at least one matcher", Assert.Single(Validate().Errors));
    }

    [Fact]
    public void Matchers_that_all_match_the_empty_string_are_rejected()
    {
        var result = Validate(new MatcherInput("a", ".*", true), new MatcherInput("b", "", false));
        Assert.Contains("must not match the empty string", Assert.Single(result.Errors));
    }

    [Fact]
    public void One_matcher_not_matching_empty_is_enough()
    {
        Assert.True(Validate(new MatcherInput("a", ".*", true), new MatcherInput("b", "x", false)).IsValid);
    }

    [Fact]
    public void Invalid_regex_is_reported()
    {
        var result = Validate(new MatcherInput("job", "(api", true));
        Assert.Contains("invalid regular expression", Assert.Single(result.Errors));
    }

    [Fact]
    public void End_must_be_after_start_and_in_the_future()
    {
        var backwards = SilenceValidation.ValidateTimes(T0.AddHours(2), T0.AddHours(1), T0);
        var past = SilenceValidation.ValidateTimes(T0.AddHours(-2), T0.AddHours(-1), T0);

        Assert.Contains("must be after startsAt", Assert.Single(backwards));
        Assert.Contains("is in the past", Assert.Single(past));
    }

    [Theory]
    [InlineData("alert-name", "matchers[0]: label name \"alert-name\" is invalid")]
    [InlineData("1abc", "matchers[0]: label name \"1abc\" is invalid")]
    [InlineData("", "matchers[0]: name is required")]
    [InlineData(null, "matchers[0]: name is required")]
    public void A_matcher_needs_a_valid_label_name(string? name, string expected)
    {
        var result = Validate(new MatcherInput(name, "x", false), new MatcherInput("service", "api", false));

        Assert.StartsWith(expected, Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_matcher_needs_a_value()
    {
        Assert.Equal("matchers[1]: value is required", Assert.Single(Validate(new MatcherInput("a", "1", false), new MatcherInput("b", null, false)).Errors));
    }

    [Fact]
    public void Negative_matchers_are_supported()
    {
        var result = Validate(new MatcherInput("a", "1", false, IsEqual: false), new MatcherInput("b", "x", false));
        Assert.True(result.IsValid);
        Assert.Equal("a!=\"1\"", result.Matchers[0].ToString());
    }
}
