using Vigil.Core.Alerts;

namespace Vigil.Server.Api.Alertmanager;

/// <summary>
/// Turns posted alerts into <see cref="Alert"/>s with Alertmanager's rules: at least one label, valid label names,
/// start before end; a missing (or Go zero-time) start means now and a missing end means now + resolve_timeout.
/// Every problem is reported with the index of the alert it concerns.
/// </summary>
public sealed class AlertValidation(ServerSettings settings)
{
    private static readonly DateTimeOffset GoZeroTime = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Prometheus' generator URLs are long but shared by every alert of a rule.
    private readonly StringPool _generatorUrls = new(capacity: 4096, maxLength: 2048);

    public (List<Alert> Alerts, List<string> Errors) Validate(List<PostableAlert?> posted, DateTimeOffset now)
    {
        var alerts = new List<Alert>(posted.Count);
        var errors = new List<string>();
        for (var i = 0; i < posted.Count; i++)
        {
            var before = errors.Count;
            var item = posted[i];
            if (item is null)
            {
                errors.Add($"alert {i}: is null; expected an object");
                continue;
            }
            var labels = ToLabelSet(item.Labels, $"alert {i}: label", errors, requireOne: true);
            var annotations = ToLabelSet(item.Annotations, $"alert {i}: annotation", errors, requireOne: false);
            // As Alertmanager: without a start, an alert that gives only its end (a resolve) starts when it ends.
            var startsAt = !Unset(item.StartsAt) ? item.StartsAt!.Value : Unset(item.EndsAt) ? now : item.EndsAt!.Value;
            if (startsAt > DateTimeOffset.MaxValue - settings.ResolveTimeout)
            {
                // Without an end it would fire until startsAt + resolve_timeout, past the end of the calendar (it was a 500).
                errors.Add($"alert {i}: startsAt ({RfcTime.Format(startsAt)}) is too far in the future");
                continue;
            }
            var explicitEnd = !Unset(item.EndsAt);
            var endsAt = explicitEnd ? item.EndsAt!.Value : now + settings.ResolveTimeout;
            if (explicitEnd && endsAt < startsAt)
            {
                errors.Add($"alert {i}: endsAt ({RfcTime.Format(endsAt)}) is before startsAt ({RfcTime.Format(startsAt)})");
            }
            if (item.GeneratorUrl is { Length: > 2048 })
            {
                errors.Add($"alert {i}: generatorURL is longer than 2048 characters");
            }
            if (errors.Count == before)
            {
                if (!explicitEnd && startsAt > endsAt)
                {
                    // A start in the future with no end: keep it firing for resolve_timeout after it starts.
                    endsAt = startsAt + settings.ResolveTimeout;
                }
                alerts.Add(new Alert(labels!, annotations!, startsAt, endsAt, _generatorUrls.Intern(item.GeneratorUrl ?? ""), now, Timeout: !explicitEnd));
            }
        }
        return (alerts, errors);
    }

    private static bool Unset(DateTimeOffset? time) => time is null || time.Value == GoZeroTime;

    private LabelSet? ToLabelSet(PostedLabels? map, string what, List<string> errors, bool requireOne)
    {
        if (map is null || map.Count == 0)
        {
            if (requireOne)
            {
                errors.Add($"{what}s are missing: an alert needs at least one label (usually alertname)");
                return null;
            }
            return LabelSet.Empty;
        }
        if (map.Count > settings.MaxLabelsPerAlert)
        {
            errors.Add($"{what}s: {map.Count} given, at most {settings.MaxLabelsPerAlert} allowed");
            return null;
        }
        var ok = true;
        foreach (var (name, value) in map.Pairs)
        {
            if (!LabelNames.IsValid(name))
            {
                errors.Add($"{what} name {LabelNames.Problem(name)}");
                ok = false;
            }
            else if (value is null)
            {
                errors.Add($"{what} \"{name}\" has a null value; expected a string");
                ok = false;
            }
            else if (value.Contains('\0', StringComparison.Ordinal))
            {
                // PostgreSQL cannot store NUL in text; refuse it on every backend so behaviour does not depend on storage.
                errors.Add($"{what} \"{name}\" contains a NUL character");
                ok = false;
            }
            else if (value.Length > settings.MaxValueLength)
            {
                errors.Add($"{what} \"{name}\" is {value.Length} characters long; at most {settings.MaxValueLength} allowed");
                ok = false;
            }
        }
        if (!ok)
        {
            return null;
        }
        return map.ToLabelSet();
    }
}
