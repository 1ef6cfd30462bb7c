namespace Vigil.Core.Alerts;

/// <summary>
/// How a freshly received copy of an alert combines with the stored one — Alertmanager's semantics
/// (<c>provider/mem.Alerts.Put</c> and <c>types.Alert.Merge</c>), so Prometheus' resend behaviour works unchanged.
/// </summary>
public static class AlertMerge
{
    /// <summary>
    /// Returns the alert to store. Copies whose activity ranges overlap are merged (earliest start wins; an explicit end
    /// beats a derived one); otherwise the incoming alert replaces the stored one — which is how a resolved alert
    /// that fires again is reopened with its new start time.
    /// </summary>
    public static Alert Combine(Alert? stored, Alert incoming)
    {
        if (stored is null)
        {
            return incoming;
        }
        var overlaps = (incoming.EndsAt > stored.StartsAt && incoming.EndsAt < stored.EndsAt)
            || (incoming.StartsAt > stored.StartsAt && incoming.StartsAt < stored.EndsAt)
            // Prometheus resends a still-firing alert with the same startsAt; treat it as the same activity.
            || (incoming.StartsAt == stored.StartsAt);
        if (!overlaps)
        {
            return WithSharedParts(stored, incoming, incoming.StartsAt, incoming.EndsAt, incoming.Timeout);
        }
        var (younger, startsAt, endsAt, timeout) = Merge(stored, incoming);
        return WithSharedParts(stored, younger, startsAt, endsAt, timeout);
    }

    private static (Alert Younger, DateTimeOffset StartsAt, DateTimeOffset EndsAt, bool Timeout) Merge(Alert a, Alert o)
    {
        // Let o always be the younger alert.
        if (o.UpdatedAt < a.UpdatedAt)
        {
            (a, o) = (o, a);
        }
        var startsAt = a.StartsAt < o.StartsAt ? a.StartsAt : o.StartsAt;
        var endsAt = o.EndsAt;
        var timeout = o.Timeout;
        var now = o.UpdatedAt;
        if (o.IsResolvedAt(now))
        {
            // The latest explicit resolved timestamp wins if both alerts are effectively resolved.
            if (a.IsResolvedAt(now) && a.EndsAt > o.EndsAt)
            {
                endsAt = a.EndsAt;
                timeout = a.Timeout;
            }
        }
        else if (a.EndsAt > o.EndsAt && !a.Timeout)
        {
            // A non-timeout timestamp always rules if it is the latest.
            endsAt = a.EndsAt;
            timeout = false;
        }
        return (o, startsAt, endsAt, timeout);
    }

    /// <summary>
    /// The alert to store, built once. Re-sends almost always carry the same labels and annotations: keeping the
    /// stored (long-lived) instances and dropping the just-parsed copies keeps the garbage young — otherwise every
    /// re-send would replace old-generation objects, and with 100,000 alerts re-sent every minute the full
    /// collections and the heap would grow with it.
    /// </summary>
    private static Alert WithSharedParts(Alert stored, Alert result, DateTimeOffset startsAt, DateTimeOffset endsAt, bool timeout)
    {
        var labels = Shared(stored.Labels, result.Labels);
        var annotations = Shared(stored.Annotations, result.Annotations);
        var generatorUrl = string.Equals(result.GeneratorUrl, stored.GeneratorUrl, StringComparison.Ordinal) ? stored.GeneratorUrl : result.GeneratorUrl;
        if (ReferenceEquals(labels, result.Labels) && ReferenceEquals(annotations, result.Annotations)
            && ReferenceEquals(generatorUrl, result.GeneratorUrl) && startsAt == result.StartsAt && endsAt == result.EndsAt && timeout == result.Timeout)
        {
            return result;
        }
        return result with
        {
            Labels = labels,
            Annotations = annotations,
            GeneratorUrl = generatorUrl,
            StartsAt = startsAt,
            EndsAt = endsAt,
            Timeout = timeout,
        };
    }

    private static LabelSet Shared(LabelSet stored, LabelSet incoming) =>
        !ReferenceEquals(stored, incoming) && stored.Equals(incoming) ? stored : incoming;
}
