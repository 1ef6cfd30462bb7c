using Vigil.Core.Alerts;
using Vigil.Core.Config;
using Vigil.Core.Inhibition;
using Vigil.Core.Silences;
using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Pipeline;

/// <summary>
/// What one read request sees: the alerts, silences and routing at one moment, with silences and inhibition computed
/// once for the whole request rather than per alert.
/// </summary>
public sealed class PipelineView(AlertIndex alerts, SilenceBook silences, VigilConfig config, DateTimeOffset now)
{
    private readonly Silencer _silencer = new(silences.All, now);
    private InhibitionIndex? _inhibition;

    public IEnumerable<Alert> Alerts => alerts.All;

    public DateTimeOffset Now => now;

    private InhibitionIndex Inhibition => _inhibition ??= InhibitionIndex.Build(config.InhibitRules, alerts.All, now);

    public IReadOnlyList<string> SilencedBy(Alert alert)
    {
        var ids = _silencer.SilencedBy(alert.Labels);
        if (ids.Count == 0)
        {
            return [];
        }
        var result = new string[ids.Count];
        for (var i = 0; i < ids.Count; i++)
        {
            result[i] = ids[i].ToString();
        }
        return result;
    }

    public IReadOnlyList<string> InhibitedBy(Alert alert)
    {
        if (config.InhibitRules.Count == 0)
        {
            return [];
        }
        var sources = Inhibition.InhibitedBy(alert);
        return sources.Count == 0 ? [] : sources.Select(f => f.ToString()).ToArray();
    }

    /// <summary>The alert in Alertmanager's GettableAlert shape.</summary>
    public GettableAlert Describe(Alert alert)
    {
        var silencedBy = SilencedBy(alert);
        var inhibitedBy = InhibitedBy(alert);
        var state = silencedBy.Count > 0 || inhibitedBy.Count > 0 ? "suppressed" : "active";
        var routes = config.Route.Match(alert.Labels);
        var receivers = new List<ReceiverName>(routes.Count);
        foreach (var route in routes)
        {
            if (!receivers.Exists(r => r.Name == route.Receiver))
            {
                receivers.Add(new ReceiverName(route.Receiver));
            }
        }
        return new GettableAlert(
            alert.Labels.ToDictionary(), alert.Annotations.ToDictionary(),
            alert.StartsAt, alert.EndsAt, alert.GeneratorUrl, alert.Fingerprint.ToString(),
            receivers, new AlertStatusDto(state, silencedBy, inhibitedBy), alert.UpdatedAt);
    }

    /// <summary>The aggregation groups (route, group labels) an alert with these labels belongs to.</summary>
    public IEnumerable<(string Key, LabelSet Labels, string Receiver)> GroupsOf(LabelSet labels)
    {
        foreach (var route in config.Route.Match(labels))
        {
            var groupLabels = route.GroupLabels(labels);
            yield return (route.KeyFor(groupLabels), groupLabels, route.Receiver);
        }
    }
}
