using System.Security.Cryptography;
using System.Text;
using Vigil.Core.Incidents;
using Vigil.Core.Matching;
using Vigil.Core.Silences;
using Vigil.Core.Store;

namespace Vigil.Server.Pipeline;

// incidents.silence_on_acknowledge: Alertmanager has no acknowledge state, so amtool and Grafana users see an
// acknowledged incident as handled through a silence of its group's labels, which expires when the incident resolves
// (or is unacknowledged, by hand or by escalation). The silence rides in the same commit as the change that creates or
// expires it.
public sealed partial class AlertPipeline
{
    /// <summary>One silence per incident, with an id derived from the incident id, so it can be found again after a restart.</summary>
    public static Guid AckSilenceId(long incidentId) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"vigil-ack-silence:{incidentId}")).AsSpan(0, 16));

    private void AddAckSilenceChanges(Incident before, Incident after, DateTimeOffset now, ChangeSet changes)
    {
        if (after.Status == IncidentStatus.Acknowledged && before.Status != IncidentStatus.Acknowledged)
        {
            if (Config.Current.SilenceOnAcknowledge && IsFromPrometheus(after) && after.GroupLabels.Count > 0)
            {
                var matchers = after.GroupLabels.Pairs.ToArray().Select(p => Matcher.Create(p.Key, Vigil.Core.Matching.MatchType.Equal, p.Value)).ToList();
                // Open-ended on purpose: it ends when the incident resolves, not at a guessed time.
                changes.Silences.Add(new Silence(AckSilenceId(after.Id), matchers, now, now.AddYears(1), after.AcknowledgedBy ?? "vigil",
                    $"Acknowledged in Vigil (incident #{after.Id}: {after.Title}); expires when the incident resolves", now));
            }
        }
        else if (after.Status != IncidentStatus.Acknowledged)
        {
            ExpireAckSilence(after.Id, now, changes);
        }
    }

    private void ExpireAckSilence(long incidentId, DateTimeOffset now, ChangeSet changes)
    {
        if (Silences.Get(AckSilenceId(incidentId)) is { } silence && silence.StateAt(now) != SilenceState.Expired)
        {
            changes.Silences.Add(silence with { EndsAt = now, UpdatedAt = now });
        }
    }

    /// <summary>Alerts posted on the Alertmanager API, not PagerDuty or native events (which carry a dedup_key label).</summary>
    private bool IsFromPrometheus(Incident incident) =>
        incident.Alerts.Any(f => Alerts.Get(f) is { } alert && alert.Labels.Get("dedup_key").Length == 0);

    private void CommitSilences(ChangeSet changes)
    {
        foreach (var silence in changes.Silences)
        {
            Silences.Set(silence);
        }
    }
}
