using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Server.Api.PagerDuty;

/// <summary>
/// PagerDuty's <c>payload.timestamp</c>: an ISO 8601 date and time in the extended format, as PagerDuty's examples
/// send it (<c>2015-07-17T08:42:58.315+0000</c>): seconds and their fraction optional, the offset <c>Z</c>,
/// <c>±hh</c>, <c>±hhmm</c> or <c>±hh:mm</c>, and without one UTC. .NET's own parser alone also took <c>1/2/2026</c>,
/// <c>Jan 1 2026</c> and a bare <c>06:00</c> (read as today), which the error message said were refused.
/// </summary>
internal static partial class PagerDutyTimestamp
{
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        return Iso8601().IsMatch(text)
            && DateTimeOffset.TryParse(Truncated(text), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out value);
    }

    /// <summary>The fraction cut to the 7 digits .NET reads (a sender may give nanoseconds).</summary>
    private static string Truncated(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return text;
        }
        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }
        return end - dot - 1 <= 7 ? text : string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Iso8601();
}
