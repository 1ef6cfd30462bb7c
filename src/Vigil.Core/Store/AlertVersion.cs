using Vigil.Core.Alerts;

namespace Vigil.Core.Store;

/// <summary>
/// One version of a stored alert, as the one who deletes it saw it: the alert is deleted only if what is stored is
/// not newer (its <see cref="Alert.UpdatedAt"/> is not later), so a copy someone stored since — another server that
/// saw the alert fire again — survives the deletion.
/// </summary>
public readonly record struct AlertVersion(Fingerprint Fingerprint, DateTimeOffset UpdatedAt)
{
    public static AlertVersion Of(Alert alert) => new(alert.Fingerprint, alert.UpdatedAt);
}
