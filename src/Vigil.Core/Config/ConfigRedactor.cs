using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// The config text with every secret value replaced by <c>&lt;secret&gt;</c>, for <c>GET /api/v2/status</c> (as
/// Alertmanager shows its <c>Secret</c> and <c>SecretURL</c> fields). Works on the text, using the YAML nodes'
/// positions, so comments and layout stay.
/// </summary>
/// <remarks>
/// Secrets are found by a rule on the key's name, not a list: Vigil accepts every Alertmanager integration (and
/// unknown keys inside the ones it does not send through), so a list always misses some (<c>bot_token</c>,
/// <c>user_key</c>, <c>sigv4.secret_key</c>, <c>oauth2.client_secret</c>...). Masking a harmless value by mistake
/// costs little; showing a token to every viewer does not.
/// </remarks>
public static partial class ConfigRedactor
{
    private const string Mask = "<secret>";

    // Receiver and user URLs count as secrets whole: webhook and robot URLs carry their token in the path or query
    // (Alertmanager's SecretURL: webhook url, slack api_url, msteams/discord webhook_url...), and a user's webhook
    // contact is such a hook URL.
    private static readonly HashSet<string> ReceiverSecretKeys = new(StringComparer.Ordinal) { "url", "api_url", "webhook_url", "webhook" };

    // Header maps whose keys are header names: a header named like a credential carries one.
    private static readonly HashSet<string> HeaderMaps = new(StringComparer.Ordinal) { "headers", "http_headers" };

    public static string Redact(string text)
    {
        // The text is a config that loaded, so it does load; if not, there is nothing to find secrets in.
        if (!YamlLoader.TryLoad(text, "<config>", out var stream, out _))
        {
            return text;
        }
        var spans = new List<(long Start, long End)>();
        foreach (var document in stream.Documents)
        {
            Collect(document.RootNode, Context.None, text, spans);
        }
        if (spans.Count == 0)
        {
            return text;
        }
        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        var result = new StringBuilder(text.Length);
        var at = 0;
        foreach (var (start, end) in spans)
        {
            // An alias reaches its anchored node a second time: the same span, already masked.
            if (start < at)
            {
                continue;
            }
            result.Append(text, at, (int)start - at).Append(Mask);
            at = (int)end;
        }
        return result.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>
    /// Whether a key's value is a secret. <c>*_file</c> keys hold a path, not the secret. Hyphens count as
    /// underscores so header names (<c>X-Api-Key</c>) follow the same rule.
    /// </summary>
    private static bool IsSecretKey(string name)
    {
        var key = name.ToLowerInvariant().Replace('-', '_');
        // A *_file key holds a path. A *_url key is a URL (oauth2.token_url), handled below by its user-info, except
        // the ones Alertmanager types SecretURL.
        if (key.EndsWith("_file", StringComparison.Ordinal) || (key.EndsWith("_url", StringComparison.Ordinal) && key != "slack_api_url"))
        {
            return false;
        }
        return key.Contains("secret", StringComparison.Ordinal)
            || key.Contains("token", StringComparison.Ordinal)
            || key.Contains("password", StringComparison.Ordinal)
            || key.Contains("passwd", StringComparison.Ordinal)
            || key.Contains("credential", StringComparison.Ordinal)
            // routing_key, service_key, api_key, user_key, secret_key, apikey, tls_config.key (an inline private key).
            || key.EndsWith("key", StringComparison.Ordinal)
            || key is "slack_api_url" or "authorization" or "cookie" or "proxy_connect_header";
    }

    [Flags]
    private enum Context
    {
        None = 0,
        Receivers = 1,
        Headers = 2,
    }

    private static void Collect(YamlNode node, Context context, string text, List<(long, long)> spans)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? "";
                    var secret = IsSecretKey(name) || (context.HasFlag(Context.Receivers) && ReceiverSecretKeys.Contains(name));
                    // http_config.authorization is {type, credentials}: only its credentials are secret (found below).
                    // Any other secret key masks all it holds: a header's values, proxy_connect_header's lists.
                    if (secret && (value is not YamlMappingNode || name != "authorization" || context.HasFlag(Context.Headers)))
                    {
                        MaskAll(value, text, spans);
                        continue;
                    }
                    var inner = context & ~Context.Headers;
                    if (name is "receivers" or "users")
                    {
                        inner |= Context.Receivers;
                    }
                    if (HeaderMaps.Contains(name))
                    {
                        inner |= Context.Headers;
                    }
                    Collect(value, inner, text, spans);
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    Collect(child, context & ~Context.Headers, text, spans);
                }
                break;
            case YamlScalarNode { Value: { } value } scalar when UserInfo().IsMatch(value):
                MaskUserInfo(scalar, text, spans);
                break;
        }
    }

    /// <summary>Every scalar under a secret key: a list of secrets (<c>http_headers.*.secrets</c>) or one value.</summary>
    private static void MaskAll(YamlNode node, string text, List<(long, long)> spans)
    {
        switch (node)
        {
            case YamlScalarNode { Value.Length: > 0 } scalar:
                spans.Add(Written(scalar, text));
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    MaskAll(child, text, spans);
                }
                break;
            case YamlMappingNode map:
                foreach (var (_, value) in map.Children)
                {
                    MaskAll(value, text, spans);
                }
                break;
        }
    }

    /// <summary>
    /// A scalar's text from its first character to its last. A block scalar (<c>|</c>, <c>&gt;-</c>...) ends after its
    /// trailing line breaks and the next line's indentation, so masking up to its end made "- url: &lt;secret&gt;    email_configs:"
    /// of the next key: no longer YAML. The header stays inside the span, so the mask replaces it too.
    /// </summary>
    private static (long Start, long End) Written(YamlScalarNode scalar, string text)
    {
        var (start, end) = ((int)scalar.Start.Index, (int)scalar.End.Index);
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        return (start, end);
    }

    /// <summary>
    /// A URL's user-info (<c>http://user:pass@host</c>), wherever it is (<c>proxy_url</c>, <c>*_api_url</c>...): only the
    /// user-info is masked so the host stays readable. When the text does not hold the value as written (escapes in a
    /// quoted scalar), the whole value is masked instead.
    /// </summary>
    private static void MaskUserInfo(YamlScalarNode scalar, string text, List<(long, long)> spans)
    {
        var (start, end) = Written(scalar, text);
        var raw = text[(int)start..(int)end];
        var written = UserInfo().Matches(raw);
        if (written.Count != UserInfo().Count(scalar.Value!))
        {
            spans.Add((start, end));
            return;
        }
        foreach (Match match in written)
        {
            var info = match.Groups["info"];
            spans.Add((start + info.Index, start + info.Index + info.Length));
        }
    }

    // The user-info of a URL: between "scheme://" and the first "@" before any path, query or fragment.
    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.\-]*://(?<info>[^/?#@\s]+)@")]
    private static partial Regex UserInfo();
}
