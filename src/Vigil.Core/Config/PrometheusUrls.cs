using System.Text.RegularExpressions;

namespace Vigil.Core.Config;

/// <summary>
/// Rules for the Prometheus URLs of metric sources and SLOs. Credentials in a URL (<c>http://user:pass@host</c>) are
/// refused: .NET's HttpClient does not send them, and the URL is shown in logs, error messages and the sources API.
/// </summary>
public static partial class PrometheusUrls
{
    public const string NoCredentials =
        "must not hold credentials (user:password@): they would not be sent, and the URL is shown in logs and the sources API";

    /// <summary>The text with anything between "//" and "@" masked, for error messages about a URL as written.</summary>
    public static string Redacted(string text) => UserInfo().Replace(text, "//***@");

    [GeneratedRegex("//[^/@]*@")]
    private static partial Regex UserInfo();
}
