using Vigil.Core.Alerts;

namespace Vigil.Core.Dispatch;

/// <summary>A read-only view of one aggregation group, for <c>GET /api/v2/alerts/groups</c> and the UI.</summary>
public sealed record AlertGroupSnapshot(
    string Key,
    string RouteId,
    string Receiver,
    LabelSet GroupLabels,
    IReadOnlyList<Fingerprint> Alerts,
    long? IncidentId,
    DateTimeOffset? DueAt);
