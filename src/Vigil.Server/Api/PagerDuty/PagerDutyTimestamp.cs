using System.Text.RegularExpressions;
using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Api.PagerDuty;

/// <summary>
/// PagerDuty's <c>payload.timestamp</c>: an ISO 8601 date and time in the extended format, as PagerDuty's examples
/// send it (<c>2015-07-17T08:42:58.315+0000</c>): seconds and their fraction optional, the offset <c>Z</c>,
/// <c>±hh</c>, <c>±hhmm</c> or <c>±hh:mm</c>, and without one UTC. .NET's own parser alone also took <c>1/2/2026</c>,
/// <c>Jan 1 2026</c> and a bare <c>06:00</c> (read as today), which the error message said were refused.
/// </summary>
internal static partial class PagerDutyTimestamp
{
    /// <summary>
    /// Once the text has the shape above, <see cref="RfcTime.TryParse"/> reads it as the Alertmanager API's times are
    /// read (a fraction beyond the 7 digits .NET takes, as a sender's nanoseconds, cut; no offset is UTC).
    /// </summary>
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        return Iso8601().IsMatch(text) && RfcTime.TryParse(text, out value);
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Iso8601();
}
