using Vigil.Core.Alerts;
using Vigil.Server.Api.Alertmanager;

namespace Vigil.Server.Pipeline;

// TEMPORARY until the core dispatcher lands (merged later today): routing to a single default receiver.
public sealed partial class AlertPipeline
{
    private Task StartDispatcherAsync(CancellationToken ct) => Task.CompletedTask;

    private Task StopDispatcherAsync() => Task.CompletedTask;

    private void ObserveCommitted(IReadOnlyList<Alert> alerts)
    {
    }

    private void WakeDispatcher()
    {
    }

    public Task<string?> ReloadConfigAsync(string actor, CancellationToken ct) => Task.FromResult<string?>(null);

    public PipelineView Snapshot(DateTimeOffset now) => new(this, now);
}

public sealed class PipelineView(AlertPipeline pipeline, DateTimeOffset now)
{
    public IEnumerable<Alert> Alerts => pipeline.Alerts.All;

    public GettableAlert Describe(Alert alert)
    {
        var silencedBy = pipeline.Silences.SilencedBy(alert.Labels, now);
        IReadOnlyList<string> inhibitedBy = [];
        var state = silencedBy.Count > 0 || inhibitedBy.Count > 0 ? "suppressed" : "active";
        return new GettableAlert(
            AlertsEndpoints.ToDictionary(alert.Labels), AlertsEndpoints.ToDictionary(alert.Annotations),
            alert.StartsAt, alert.EndsAt, alert.GeneratorUrl, alert.Fingerprint.ToString(),
            [new ReceiverName("default")], new AlertStatusDto(state, silencedBy, inhibitedBy), alert.UpdatedAt);
    }

    public IEnumerable<(string Key, LabelSet Labels, string Receiver)> GroupsOf(LabelSet labels)
    {
        yield return ("default", LabelSet.Empty, "default");
    }
}

public sealed class ConfigHolder
{
    public string Original { get; set; } = "";

    public IReadOnlyList<string> ReceiverNames => ["default"];
}
