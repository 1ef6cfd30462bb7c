using Vigil.Core.Alerts;
using Vigil.Core.Inhibition;
using Vigil.Core.Silences;

namespace Vigil.Core.Muting;

/// <summary>
/// Silences and inhibitions together, as of one moment: what <c>Dispatcher.Flush</c> needs as <c>isMuted</c> and what
/// the Alertmanager API reports as <c>status.silencedBy</c> / <c>status.inhibitedBy</c>. Build one per flush or request.
/// </summary>
public sealed class AlertMuting(Silencer silencer, InhibitionIndex inhibition)
{
    /// <param name="alerts">All stored alerts; the firing ones are the possible inhibition sources.</param>
    public static AlertMuting At(DateTimeOffset now, IEnumerable<Silence> silences, IReadOnlyList<InhibitRule> rules, IEnumerable<Alert> alerts) =>
        new(new Silencer(silences, now), InhibitionIndex.Build(rules, alerts, now));

    public bool IsMuted(Alert alert) => silencer.IsSilenced(alert.Labels) || inhibition.IsInhibited(alert);

    public IReadOnlyList<Guid> SilencedBy(Alert alert) => silencer.SilencedBy(alert.Labels);

    public IReadOnlyList<Fingerprint> InhibitedBy(Alert alert) => inhibition.InhibitedBy(alert);
}
