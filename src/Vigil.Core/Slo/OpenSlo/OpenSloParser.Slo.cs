using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Slo.OpenSlo;

/// <summary><c>kind: SLO</c>: time window, budgeting method, objectives and alert policies.</summary>
internal sealed partial class OpenSloParser
{
    private static readonly string[] SloKeys = ["description", "service", "indicator", "indicatorRef", "timeWindow", "budgetingMethod", "objectives", "alertPolicies"];
    private static readonly string[] TimeWindowKeys = ["duration", "isRolling", "calendar"];
    private static readonly string[] CalendarKeys = ["startTime", "timeZone"];
    private static readonly string[] ObjectiveKeys = ["displayName", "op", "value", "target", "targetPercent", "timeSliceTarget", "timeSliceWindow"];
    private static readonly string[] StartTimeFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"];

    private ServiceLevelObjective? ParseSlo(ObjectMetadata? metadata, YamlMappingNode spec)
    {
        var keys = _reader.Keys(spec, "the SLO spec", SloKeys);
        var description = Description(keys);
        var service = RequiredString(keys, "service", spec, "the SLO spec");
        ServiceLevelIndicator? indicator = null;
        string? indicatorRef = null;
        var hasIndicator = keys.TryGetValue("indicator", out var indicatorNode);
        var hasRef = keys.TryGetValue("indicatorRef", out var refNode);
        if (hasIndicator == hasRef)
        {
            _reader.Error(hasRef ? refNode! : spec, hasRef
                ? "give either \"indicator\" or \"indicatorRef\", not both"
                : "missing \"indicator\" or \"indicatorRef\" in the SLO spec");
        }
        else if (hasIndicator && _reader.Mapping(indicatorNode!, "\"indicator\"") is { } indicatorMap)
        {
            indicator = Inline(indicatorMap, "SLI", ParseSli);
        }
        else if (hasRef)
        {
            indicatorRef = _reader.String(refNode!, "indicatorRef");
        }
        var timeWindow = keys.TryGetValue("timeWindow", out var windowNode) ? ParseTimeWindow(windowNode) : TimeWindow.Default;
        // Required by the spec's notes, yet its own inline-SLI example leaves it out: default to Occurrences, as Sloth does.
        var method = keys.TryGetValue("budgetingMethod", out var methodNode) ? ParseBudgetingMethod(methodNode) : BudgetingMethod.Occurrences;
        var objectivesNode = Required(keys, "objectives", spec, "the SLO spec");
        var objectives = objectivesNode is null ? [] : Objectives(objectivesNode, method, timeWindow);
        if (indicator is not null && objectivesNode is not null)
        {
            CheckObjectivesSuitIndicator(indicator, objectives, objectivesNode);
        }
        var policies = keys.TryGetValue("alertPolicies", out var policiesNode) ? AlertPolicyBindings(policiesNode) : [];
        ServiceLevelObjective? slo = null;
        if (metadata is not null && service is not null && (indicator is not null || indicatorRef is not null) && timeWindow is not null
            && method is not null && objectives.Count > 0 && !objectives.Contains(null))
        {
            slo = new ServiceLevelObjective(metadata, description, service, indicator, indicatorRef, timeWindow, method.Value,
                new(objectives.Select(o => o!)), new(policies));
        }
        // Recorded even for an SLO with other errors, so an unknown name is reported in the same run.
        if (indicatorRef is not null)
        {
            _references.Add(new ObjectReference("SLI", indicatorRef, "indicatorRef", At(refNode!), slo));
        }
        return slo;
    }

    /// <summary>Threshold SLIs judge each value by the objective's op and value, so OpenSLO allows one objective, which needs both.</summary>
    internal static IEnumerable<string> ObjectiveProblems(ServiceLevelIndicator indicator, IReadOnlyList<Objective?> objectives)
    {
        if (indicator.Threshold is null)
        {
            yield break;
        }
        if (objectives.Count > 1)
        {
            yield return $"a thresholdMetric SLI allows only one objective, not {objectives.Count}";
        }
        if (objectives.Any(o => o is not null && (o.Op is null || o.Value is null)))
        {
            yield return "an objective of a thresholdMetric SLI needs \"op\" and \"value\"";
        }
    }

    private void CheckObjectivesSuitIndicator(ServiceLevelIndicator indicator, IReadOnlyList<Objective?> objectives, YamlNode objectivesNode)
    {
        foreach (var problem in ObjectiveProblems(indicator, objectives))
        {
            _reader.Error(objectivesNode, problem);
        }
    }

    private TimeWindow? ParseTimeWindow(YamlNode node)
    {
        if (_reader.Sequence(node, "timeWindow") is not { } list)
        {
            return null;
        }
        if (list.Children.Count != 1)
        {
            _reader.Error(node, $"\"timeWindow\" must be a list of exactly one window, not {list.Children.Count}");
            return null;
        }
        if (_reader.Mapping(list.Children[0], "the time window") is not { } map)
        {
            return null;
        }
        var keys = _reader.Keys(map, "the time window", TimeWindowKeys);
        var duration = Required(keys, "duration", map, "the time window") is { } durationNode ? Duration(durationNode, "duration") : null;
        var rolling = keys.TryGetValue("isRolling", out var rollingNode) ? _reader.Bool(rollingNode, "isRolling") : null;
        CalendarAlignment? calendar = null;
        if (keys.TryGetValue("calendar", out var calendarNode))
        {
            calendar = ParseCalendar(calendarNode);
            if (rolling == true)
            {
                _reader.Error(calendarNode, "a rolling window (isRolling: true) cannot have a \"calendar\"");
                return null;
            }
            rolling = false;
        }
        else if (rolling == false)
        {
            _reader.Error(rollingNode!, "a calendar-aligned window (isRolling: false) needs \"calendar\" with startTime and timeZone");
            return null;
        }
        return duration is null || (keys.ContainsKey("calendar") && calendar is null) ? null : new TimeWindow(duration.Value, rolling ?? true, calendar);
    }

    private CalendarAlignment? ParseCalendar(YamlNode node)
    {
        if (_reader.Mapping(node, "\"calendar\"") is not { } map)
        {
            return null;
        }
        var keys = _reader.Keys(map, "\"calendar\"", CalendarKeys);
        DateTime? start = null;
        if (RequiredString(keys, "startTime", map, "\"calendar\"") is { } startText)
        {
            if (!DateTime.TryParseExact(startText, StartTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                _reader.Error(keys["startTime"], $"invalid startTime \"{startText}\"; use local time as 2024-01-01 00:00:00 (the zone goes in timeZone)");
            }
            else if (parsed.Year is < 1900 or > 2200)
            {
                // Periods are counted from the start time at every evaluation; centuries of one-minute periods need not be.
                _reader.Error(keys["startTime"], $"startTime \"{startText}\" must be between the years 1900 and 2200");
            }
            else
            {
                start = DateTime.SpecifyKind(parsed, DateTimeKind.Unspecified);
            }
        }
        string? zone = null;
        if (RequiredString(keys, "timeZone", map, "\"calendar\"") is { } zoneText)
        {
            if (TimeZoneInfo.TryFindSystemTimeZoneById(zoneText, out _))
            {
                zone = zoneText;
            }
            else
            {
                _reader.Error(keys["timeZone"], $"unknown time zone \"{zoneText}\"; use an IANA name such as UTC or Europe/Berlin");
            }
        }
        return start is null || zone is null ? null : new CalendarAlignment(start.Value, zone);
    }

    private BudgetingMethod? ParseBudgetingMethod(YamlNode node)
    {
        var text = _reader.String(node, "budgetingMethod");
        // Case-insensitive: the spec itself writes both "Timeslices" and "TimeSlices".
        BudgetingMethod? method = text?.ToLowerInvariant() switch
        {
            null => null,
            "occurrences" => BudgetingMethod.Occurrences,
            "timeslices" => BudgetingMethod.Timeslices,
            "ratiotimeslices" => BudgetingMethod.RatioTimeslices,
            _ => null,
        };
        if (method is null && text is not null)
        {
            _reader.Error(node, $"unknown budgetingMethod \"{text}\"; expected Occurrences, Timeslices or RatioTimeslices");
        }
        return method;
    }

    private List<Objective?> Objectives(YamlNode node, BudgetingMethod? method, TimeWindow? window)
    {
        var result = new List<Objective?>();
        if (_reader.Sequence(node, "objectives") is not { } list)
        {
            return result;
        }
        if (list.Children.Count == 0)
        {
            _reader.Error(node, "\"objectives\" must have at least one objective");
        }
        if (list.Children.Count > MaxObjectives)
        {
            _reader.Error(list.Children[MaxObjectives], $"the SLO has {list.Children.Count:N0} objectives; Vigil reads at most {MaxObjectives} per SLO "
                + "(each is evaluated on its own and gets its own alerts and Prometheus rule groups)");
            return result;
        }
        foreach (var item in list)
        {
            result.Add(_reader.Mapping(item, "an objective") is { } map ? ParseObjective(map, method, window) : null);
        }
        return result;
    }

    private Objective? ParseObjective(YamlMappingNode map, BudgetingMethod? method, TimeWindow? window)
    {
        var keys = _reader.Keys(map, "an objective", ObjectiveKeys);
        var displayName = keys.TryGetValue("displayName", out var nameNode) ? _reader.String(nameNode, "displayName") : null;
        var op = keys.TryGetValue("op", out var opNode) ? Operator(opNode, "op") : null;
        var value = keys.TryGetValue("value", out var valueNode) ? Number(valueNode, "value") : null;
        double? target = null;
        var hasTarget = keys.TryGetValue("target", out var targetNode);
        var hasPercent = keys.TryGetValue("targetPercent", out var percentNode);
        if (hasTarget && hasPercent)
        {
            _reader.Error(percentNode!, "give either \"target\" or \"targetPercent\", not both");
        }
        else if (hasTarget && Number(targetNode!, "target") is { } ratio)
        {
            target = ratio > 0 && ratio < 1 ? ratio : Invalid(targetNode!, $"target {Show(ratio)} is outside (0, 1); 99.9% is target: 0.999");
        }
        else if (hasPercent && Number(percentNode!, "targetPercent") is { } percent)
        {
            target = percent > 0 && percent < 100 ? percent / 100 : Invalid(percentNode!, $"targetPercent {Show(percent)} is outside (0, 100)");
        }
        else if (!hasTarget && !hasPercent)
        {
            _reader.Error(map, "missing \"target\" (a ratio such as 0.999) or \"targetPercent\" (such as 99.9) in the objective");
        }
        double? sliceTarget = null;
        if (keys.TryGetValue("timeSliceTarget", out var sliceTargetNode) && Number(sliceTargetNode, "timeSliceTarget") is { } st)
        {
            sliceTarget = st > 0 && st <= 1 ? st : Invalid(sliceTargetNode, $"timeSliceTarget {Show(st)} is outside (0, 1]");
        }
        else if (method == BudgetingMethod.Timeslices && sliceTargetNode is null)
        {
            _reader.Error(map, "missing \"timeSliceTarget\": Timeslices budgeting judges each slice against it");
        }
        SloDuration? sliceWindow = null;
        if (keys.TryGetValue("timeSliceWindow", out var sliceWindowNode))
        {
            sliceWindow = SliceWindow(sliceWindowNode, window);
        }
        else if (method is BudgetingMethod.Timeslices or BudgetingMethod.RatioTimeslices)
        {
            _reader.Error(map, $"missing \"timeSliceWindow\": {method} budgeting needs the slice length (e.g. 1m)");
        }
        var complete = target is not null
            && (sliceTargetNode is null || sliceTarget is not null)
            && (sliceWindowNode is null || sliceWindow is not null)
            && (opNode is null || op is not null)
            && (valueNode is null || value is not null);
        return complete ? new Objective(displayName, op, value, target!.Value, sliceTarget, sliceWindow) : null;
    }

    /// <summary><c>timeSliceWindow</c> is a duration or a bare number of minutes (OpenSLO's default unit).</summary>
    private SloDuration? SliceWindow(YamlNode node, TimeWindow? window)
    {
        var text = _reader.String(node, "timeSliceWindow");
        if (text is null)
        {
            return null;
        }
        SloDuration? slice = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
            ? (minutes > 0 ? SloDuration.Minutes(minutes) : InvalidDuration(node, "\"timeSliceWindow\" must not be zero-length"))
            : Duration(node, "timeSliceWindow");
        if (slice is { } s && s.IsCalendarUnit)
        {
            return InvalidDuration(node, "\"timeSliceWindow\" must be minutes, hours, days or weeks");
        }
        if (slice is { } length && window is not null && length.ToTimeSpan() > window.Duration.ToTimeSpan())
        {
            return InvalidDuration(node, $"timeSliceWindow {length} is longer than the {window.Duration} time window");
        }
        return slice;
    }

    private double? Invalid(YamlNode node, string message)
    {
        _reader.Error(node, message);
        return null;
    }

    private SloDuration? InvalidDuration(YamlNode node, string message)
    {
        _reader.Error(node, message);
        return null;
    }

    private static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private List<RefOrInline<AlertPolicy>> AlertPolicyBindings(YamlNode node) =>
        Bindings<AlertPolicy>(node, "alertPolicies", "alertPolicyRef", "AlertPolicy", ParseAlertPolicy);

    /// <summary>A list whose items are either <c>{refKey: name}</c> or an inline object of <paramref name="kind"/>.</summary>
    private List<RefOrInline<T>> Bindings<T>(YamlNode node, string field, string refKey, string kind, Func<ObjectMetadata?, YamlMappingNode, T?> parse)
        where T : OpenSloObject
    {
        var result = new List<RefOrInline<T>>();
        if (Config.YamlReader.IsNull(node) || _reader.Sequence(node, field) is not { } list)
        {
            return result;
        }
        foreach (var item in list)
        {
            if (_reader.Mapping(item, $"an item of \"{field}\"") is not { } map)
            {
                continue;
            }
            if (map.Children.Keys.Any(k => k is YamlScalarNode s && s.Value == refKey))
            {
                var keys = _reader.Keys(map, $"an item of \"{field}\"", [refKey]);
                if (_reader.String(keys[refKey], refKey) is { Length: > 0 } name)
                {
                    result.Add(RefOrInline<T>.To(name));
                    _references.Add(new ObjectReference(kind, name, refKey, At(keys[refKey])));
                }
                continue;
            }
            if (Inline(map, kind, parse) is { } inline)
            {
                result.Add(RefOrInline<T>.Of(inline));
            }
        }
        return result;
    }
}
