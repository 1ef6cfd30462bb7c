using Vigil.Core.Matching;

namespace Vigil.Core.Silences;

/// <summary>A matcher as a client sent it, before its regex has been compiled (Alertmanager API v2 shape).</summary>
public sealed record MatcherInput(string Name, string Value, bool IsRegex, bool IsEqual = true);

/// <summary>The outcome of validating a silence: the compiled matchers when valid, otherwise why not.</summary>
public sealed record SilenceValidationResult(IReadOnlyList<Matcher> Matchers, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// The checks Alertmanager applies when a silence is created or updated (<c>silence.validateSilence</c> and the
/// API v2 handler), with messages meant for the person who sent it.
/// </summary>
public static class SilenceValidation
{
    public static SilenceValidationResult Validate(
        IReadOnlyList<MatcherInput> matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now)
    {
        var errors = new List<string>();
        var compiled = new List<Matcher>(matchers.Count);
        foreach (var input in matchers)
        {
            try
            {
                compiled.Add(Matcher.Create(input.Name, input.Value, input.IsRegex, input.IsEqual));
            }
            catch (MatcherException ex)
            {
                errors.Add($"invalid matcher {input.Name}: {ex.Message}");
            }
        }
        errors.AddRange(Check(compiled, startsAt, endsAt, now, matchers.Count));
        return new SilenceValidationResult(compiled, errors);
    }

    /// <summary>Validates a silence whose matchers are already compiled (e.g. parsed with <see cref="MatcherParser"/>).</summary>
    public static IReadOnlyList<string> Validate(Silence silence, DateTimeOffset now) =>
        Check(silence.Matchers, silence.StartsAt, silence.EndsAt, now, silence.Matchers.Count);

    private static List<string> Check(IReadOnlyList<Matcher> matchers, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now, int given)
    {
        var errors = new List<string>();
        if (given == 0)
        {
            errors.Add("a silence needs at least one matcher");
        }
        else if (matchers.Count == given && AllMatchEmpty(matchers))
        {
            // Such a silence would also match alerts lacking every named label, i.e. nearly everything.
            errors.Add("at least one matcher must not match the empty string");
        }
        if (endsAt <= startsAt)
        {
            errors.Add($"endsAt ({endsAt:O}) must be after startsAt ({startsAt:O})");
        }
        if (endsAt <= now)
        {
            errors.Add($"endsAt ({endsAt:O}) is in the past");
        }
        return errors;
    }

    private static bool AllMatchEmpty(IReadOnlyList<Matcher> matchers)
    {
        foreach (var matcher in matchers)
        {
            if (!matcher.Matches(""))
            {
                return false;
            }
        }
        return true;
    }
}
