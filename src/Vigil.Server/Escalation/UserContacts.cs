using Vigil.Core.Config;
using Vigil.Core.OnCall;

namespace Vigil.Server.Escalation;

/// <summary>
/// How a user's contact methods are sent to: an e-mail address through the <c>global.smtp_*</c> server, a webhook URL
/// with the Alertmanager v4 payload. A chat handle is a name, not an address Vigil can deliver to: it is shown in the
/// messages and the user list, and paging skips it.
/// </summary>
public static class UserContacts
{
    public static string KindName(ContactKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Why a contact cannot be paged under this config, or null when it can.</summary>
    public static string? Undeliverable(ContactMethod contact, SmtpDefaults smtp) => contact.Kind switch
    {
        ContactKind.Email when string.IsNullOrEmpty(smtp.SmartHost) || string.IsNullOrEmpty(smtp.From) =>
            "e-mail needs global.smtp_smarthost and global.smtp_from",
        ContactKind.Email when SplitHost(smtp.SmartHost!) is null => "global.smtp_smarthost must be host:port",
        ContactKind.Chat => "a chat handle is not an address Vigil can send to",
        _ => null,
    };

    /// <summary>The integration that sends to a user's contact method, or null when it cannot be sent to.</summary>
    public static IntegrationConfig? Integration(ContactMethod contact, int index, SmtpDefaults smtp)
    {
        if (Undeliverable(contact, smtp) is not null)
        {
            return null;
        }
        return contact.Kind switch
        {
            ContactKind.Webhook => new IntegrationConfig(IntegrationKind.Webhook, index, SendResolved: false) { Url = contact.Value },
            ContactKind.Email when SplitHost(smtp.SmartHost!) is var (host, port) => new IntegrationConfig(IntegrationKind.Email, index, SendResolved: false)
            {
                Email = new EmailSettings([contact.Value], smtp.From!, host, port, smtp.AuthUsername, smtp.AuthPassword, smtp.RequireTls),
            },
            _ => null,
        };
    }

    private static (string Host, int Port)? SplitHost(string smartHost)
    {
        var colon = smartHost.LastIndexOf(':');
        return colon > 0 && int.TryParse(smartHost.AsSpan(colon + 1), out var port) && port is > 0 and <= 65535
            ? (smartHost[..colon], port)
            : null;
    }
}
