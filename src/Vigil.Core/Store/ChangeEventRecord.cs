namespace Vigil.Core.Store;

/// <summary>
/// A change event (PagerDuty <c>POST /v2/change/enqueue</c>): a deploy, a config change — kept for the later
/// change-tracking work (correlating incidents with what changed). <see cref="Json"/> is the validated event as received
/// minus the routing key.
/// </summary>
public sealed record ChangeEventRecord(long Id, string Integration, string Service, string Summary, string? Source, DateTimeOffset Timestamp, string Json, DateTimeOffset ReceivedAt);
