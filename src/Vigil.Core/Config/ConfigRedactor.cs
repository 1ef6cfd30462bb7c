using System.Text;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Config;

/// <summary>
/// The config text with every secret value replaced by <c>&lt;secret&gt;</c>, for <c>GET /api/v2/status</c> (as
/// Alertmanager shows secrets). Works on the text, using the YAML nodes' positions, so comments and layout stay.
/// Receiver URLs count as secrets: webhook and robot URLs usually carry their token.
/// </summary>
public static class ConfigRedactor
{
    private const string Mask = "<secret>";

    private static readonly HashSet<string> SecretKeys = new(StringComparer.Ordinal)
    {
        "secret", "auth_password", "smtp_auth_password", "smtp_auth_secret", "auth_secret", "routing_key", "service_key",
        "credentials", "bearer_token", "password", "api_key", "token", "slack_api_url", "wechat_api_secret",
        "opsgenie_api_key", "victorops_api_key", "telegram_bot_token", "rocketchat_token",
    };

    // Under receivers and users (a user's webhook contact is a hook URL with its key in it, as the notification sender
    // already treats it; GET /api/v2/status showed it to viewers).
    private static readonly HashSet<string> ReceiverSecretKeys = new(StringComparer.Ordinal) { "url", "api_url", "webhook_url", "webhook" };

    public static string Redact(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return text;
        }
        var spans = new List<(long Start, long End)>();
        foreach (var document in stream.Documents)
        {
            Collect(document.RootNode, false, spans);
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
            result.Append(text, at, (int)start - at).Append(Mask);
            at = (int)end;
        }
        return result.Append(text, at, text.Length - at).ToString();
    }

    private static void Collect(YamlNode node, bool inReceivers, List<(long, long)> spans)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? "";
                    if (value is YamlScalarNode { Value.Length: > 0 } scalar
                        && (SecretKeys.Contains(name) || (inReceivers && ReceiverSecretKeys.Contains(name))))
                    {
                        spans.Add((scalar.Start.Index, scalar.End.Index));
                    }
                    else
                    {
                        Collect(value, inReceivers || name is "receivers" or "users", spans);
                    }
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var child in sequence.Children)
                {
                    Collect(child, inReceivers, spans);
                }
                break;
        }
    }
}
