namespace Vigil.Core.Dispatch;

/// <summary>What a group's last flush saw an alert as. Resolved alerts are dropped after the flush that saw them.</summary>
public enum FlushedStatus
{
    Firing,
    Muted,
    Resolved,
}
