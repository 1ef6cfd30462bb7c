namespace Vigil.Core.Dispatch;

/// <summary>What a group's last flush saw an alert as. Resolved alerts are dropped after the flush that saw them.</summary>
public enum FlushedStatus
{
    Firing,
    Muted,
    Resolved,

    /// <summary>
    /// Muted, and a notification of its incident went out meanwhile without it: the receiver last heard of the group
    /// without this alert, so it firing un-muted again is news to page (Alertmanager's notification log has the same
    /// effect). An alert muted while nothing was sent is not: the last page still lists it firing.
    /// </summary>
    MutedLeftOut,
}
