namespace Vigil.Core.Config;

/// <summary>
/// A receiver as declared in the config: a name routes refer to, and the integrations that notifications to it are
/// sent through. <see cref="Integrations"/> names every integration key the receiver declares (including Alertmanager
/// ones Vigil does not send through, e.g. <c>pagerduty_configs</c>); <see cref="Channels"/> are the ones it sends to.
/// </summary>
public sealed record ReceiverConfig(string Name, IReadOnlyList<string> Integrations)
{
    public IReadOnlyList<IntegrationConfig> Channels { get; init; } = [];
}

/// <summary>The integration kinds Vigil sends through; the config key is the lower-case name plus <c>_configs</c>.</summary>
public enum IntegrationKind
{
    Webhook,
    Slack,
    MsTeams,
    DingTalk,
    Feishu,
    WeCom,
    Email,
}

/// <summary>
/// One entry of a receiver's <c>*_configs</c> list. <see cref="Url"/>, <see cref="Auth"/>'s credentials, <see cref="Secret"/>
/// and the SMTP password are secrets: they are never logged, never stored in the outbox (rows name the channel, and the
/// secret is looked up at send time) and never shown by the API.
/// </summary>
public sealed record IntegrationConfig(IntegrationKind Kind, int Index, bool SendResolved)
{
    /// <summary>Webhook/robot URL (may carry a token in its path or query).</summary>
    public string? Url { get; init; }

    /// <summary><c>http_config</c>'s <c>authorization</c>, <c>bearer_token(_file)</c> or <c>basic_auth</c> (else
    /// <c>global.http_config</c>'s): sent as the <c>Authorization</c> header, files read at send time.</summary>
    public HttpAuth? Auth { get; init; }

    /// <summary>Signing secret (DingTalk HMAC-SHA256 <c>sign</c>, Feishu/Lark <c>sign</c>).</summary>
    public string? Secret { get; init; }

    /// <summary>Webhook <c>max_alerts</c>: at most this many alerts in the payload (0 = all), the rest counted in truncatedAlerts.</summary>
    public int MaxAlerts { get; init; }

    /// <summary>Slack channel override.</summary>
    public string? SlackChannel { get; init; }

    public EmailSettings? Email { get; init; }

    /// <summary>The stable name of this integration within its receiver, e.g. <c>webhook/0</c>.</summary>
    public string Id => $"{Kind.ToString().ToLowerInvariant()}/{Index}";
}

/// <summary>SMTP settings of an <c>email_configs</c> entry (defaults from <c>global.smtp_*</c>).</summary>
public sealed record EmailSettings(
    IReadOnlyList<string> To,
    string From,
    string SmartHost,
    int Port,
    string? AuthUsername,
    SecretSource? AuthPassword,
    bool RequireTls);
