using Vigil.Core.Alerts;
using Vigil.Core.Matching;

namespace Vigil.Core.Silences;

/// <summary>A matcher as a client sent it, before its regex has been compiled (Alertmanager API v2 shape; a JSON
/// client may leave out the name or the value).</summary>
public sealed record MatcherInput(string? Name, string? Value, bool IsRegex, bool IsEqual = true);

/// <summary>The outcome of validating a silence: the compiled matchers when valid, otherwise why not.</summary>
public sealed record SilenceValidationResult(IReadOnlyList<Matcher> Matchers, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// The checks Alertmanager applies when a silence is created or updated (<c>silence.validateSilence</c> and the
/// API v2 handler), with messages meant for the person who sent it; each names the field it is about
/// (<c>matchers[1]: …</c>).
/// </summary>
public static class SilenceValidation
{
    /// <summary>Compiles the matchers: at least one, each with a label name and a value (a valid regex where it is
    /// one), and not all of them matching the empty string.</summary>
    public static SilenceValidationResult ValidateMatchers(IReadOnlyList<MatcherInput?> matchers)
    {
        var errors = new List<string>();
        var compiled = new List<Matcher>(matchers.Count);
        if (matchers.Count == 0)
        {
            errors.Add("matchers: at least one matcher is required");
        }
        for (var i = 0; i < matchers.Count; i++)
        {
            if (matchers[i] is not { Name: { Length: > 0 } name } input)
            {
                errors.Add($"matchers[{i}]: name is required");
            }
            else if (input.Value is not { } value)
            {
                errors.Add($"matchers[{i}]: value is required");
            }
            else if (!LabelNames.IsValid(name))
            {
                // No alert can carry such a label, so the matcher could only ever match its absence (Alertmanager
                // refuses it too).
                errors.Add($"matchers[{i}]: label name {LabelNames.Problem(name)}");
            }
            else
            {
                try
                {
                    compiled.Add(Matcher.Create(name, value, input.IsRegex, input.IsEqual));
                }
                catch (MatcherException ex)
                {
                    errors.Add($"matchers[{i}]: {ex.Message}");
                }
            }
        }
        if (compiled.Count > 0 && compiled.Count == matchers.Count && AllMatchEmpty(compiled))
        {
            // Such a silence would also match alerts lacking every named label, i.e. nearly everything.
            errors.Add("matchers: at least one matcher must not match the empty string, or the silence would mute every alert");
        }
        return new SilenceValidationResult(compiled, errors);
    }

    /// <summary>A silence ends after it starts, and not in the past.</summary>
    public static IReadOnlyList<string> ValidateTimes(DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now)
    {
        var errors = new List<string>();
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
