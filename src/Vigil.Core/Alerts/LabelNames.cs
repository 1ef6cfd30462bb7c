namespace Vigil.Core.Alerts;

/// <summary>What a label name may be: Prometheus' classic rule, as Alertmanager checks alert labels and annotations
/// and silence matchers.</summary>
public static class LabelNames
{
    public const string Rule = "[a-zA-Z_][a-zA-Z0-9_]*";

    /// <summary>Prometheus' classic label name rule: <c>[a-zA-Z_][a-zA-Z0-9_]*</c> (at most 1,024 characters).</summary>
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || name.Length > 1024 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Why <paramref name="name"/> is refused, for an error message: the name (cut at 64 characters, a
    /// client may send megabytes) and the rule.</summary>
    public static string Problem(string name) =>
        $"\"{(name.Length <= 64 ? name : name[..64] + "…")}\" is invalid: it must match {Rule}";
}
