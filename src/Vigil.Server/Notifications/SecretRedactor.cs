using Vigil.Core.Config;

namespace Vigil.Server.Notifications;

/// <summary>
/// Removes an integration's secrets (URL with its token, path, query and user info, HTTP credentials, signing secret, SMTP password)
/// from any text before it is logged or stored as a delivery error: exception messages of HTTP and SMTP clients can
/// quote the URL or the server's reply.
/// </summary>
internal static class SecretRedactor
{
    public const string Mask = "<secret>";

    public static string Redact(string text, IntegrationConfig integration)
    {
        foreach (var secret in Secrets(integration))
        {
            if (secret.Length >= 4)
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }
        return text;
    }

    private static IEnumerable<string> Secrets(IntegrationConfig integration)
    {
        if (integration.Url is { } url)
        {
            yield return url;
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                // The path and query are where webhook tokens live; the host alone is not secret and helps debugging.
                if (uri.PathAndQuery.Length > 1)
                {
                    yield return uri.PathAndQuery;
                }
                if (uri.Query.Length > 1)
                {
                    yield return uri.Query;
                }
                // user:password@ before the host: the password alone too, in case a receiver or client quotes it.
                if (uri.UserInfo.Length > 0)
                {
                    yield return uri.UserInfo;
                    var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
                    if (colon >= 0)
                    {
                        yield return Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
                    }
                }
            }
        }
        // File secrets are read again: what is in the file now is what was sent.
        var credentials = integration.Auth switch
        {
            HeaderAuth header => header.Credentials.TryRead(),
            BasicAuth basic => basic.Password?.TryRead(),
            _ => null,
        };
        if (credentials is not null)
        {
            yield return credentials;
        }
        if (integration.Secret is { } secret)
        {
            yield return secret;
        }
        if (integration.Email?.AuthPassword?.TryRead() is { } password)
        {
            yield return password;
        }
    }
}
