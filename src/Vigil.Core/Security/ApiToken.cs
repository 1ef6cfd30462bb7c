namespace Vigil.Core.Security;

/// <summary>Roles in increasing power: each can do everything the previous one can.</summary>
public enum Role
{
    Viewer,
    Responder,
    Admin,
}

/// <summary>
/// An API token as stored: only a SHA-256 hash of the secret is kept. <see cref="User"/> binds the token to a user of the
/// on-call directory, so team-scoped checks (managers, shift owners) know who is calling; null for machine tokens.
/// </summary>
public sealed record ApiToken(
    string Id,
    string Name,
    Role Role,
    string SecretHash,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt = null,
    string? User = null);

/// <summary>
/// A routing key Vigil issued for PagerDuty Events API v2 senders: events sent with it become alerts of
/// <paramref name="Service"/>. Only a SHA-256 hash of the key is stored.
/// </summary>
public sealed record IntegrationKey(
    string Id,
    string Name,
    string Service,
    string KeyHash,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? RevokedAt = null);

/// <summary>One mutation recorded for the audit log: who did what to which object, and when.</summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Actor,
    string Action,
    string Target,
    string Details,
    long Sequence = 0);
