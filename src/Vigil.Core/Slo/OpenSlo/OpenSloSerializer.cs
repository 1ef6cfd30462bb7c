using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Slo.OpenSlo;

/// <summary>
/// Writes objects back as OpenSLO v1 YAML, one document each. Values are normalised (<c>targetPercent</c> becomes
/// <c>target</c>, defaults are written out), so serialising and parsing again yields an equal model.
/// </summary>
public static class OpenSloSerializer
{
    public static string Serialize(IEnumerable<OpenSloObject> objects)
    {
        var stream = new YamlStream();
        foreach (var obj in objects)
        {
            var root = Map(("apiVersion", S(OpenSloObject.ApiVersion)), ("kind", S(obj.Kind)));
            root.Add("metadata", Metadata(obj.Metadata));
            root.Add("spec", Spec(obj));
            stream.Documents.Add(new YamlDocument(root));
        }
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Spec(OpenSloObject obj) => obj switch
    {
        Service s => Map(("description", Opt(s.Description))),
        DataSource d => Map(("description", Opt(d.Description)), ("type", S(d.Type)), ("connectionDetails", Free(d.ConnectionDetails))),
        AlertNotificationTarget t => Map(("description", Opt(t.Description)), ("target", S(t.Target))),
        ServiceLevelIndicator i => SliSpec(i),
        ServiceLevelObjective o => SloSpec(o),
        AlertPolicy p => PolicySpec(p),
        AlertCondition c => ConditionSpec(c),
        _ => throw new InvalidOperationException($"cannot serialise {obj.Kind}"),
    };

    private static YamlMappingNode SloSpec(ServiceLevelObjective slo)
    {
        var window = slo.TimeWindow;
        var windowMap = Map(("duration", S(window.Duration.ToString())), ("isRolling", Bool(window.IsRolling)));
        if (window.Calendar is { } calendar)
        {
            windowMap.Add("calendar", Map(
                ("startTime", S(calendar.StartTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))),
                ("timeZone", S(calendar.TimeZone))));
        }
        return Map(
            ("description", Opt(slo.Description)),
            ("service", S(slo.Service)),
            ("indicator", slo.Indicator is { } indicator ? Map(("metadata", Metadata(indicator.Metadata)), ("spec", SliSpec(indicator))) : null),
            ("indicatorRef", Opt(slo.IndicatorRef)),
            ("timeWindow", new YamlSequenceNode(windowMap)),
            ("budgetingMethod", S(slo.BudgetingMethod.ToString())),
            ("objectives", new YamlSequenceNode(slo.Objectives.Select(Objective))),
            ("alertPolicies", slo.AlertPolicies.Count == 0 ? null : new YamlSequenceNode(slo.AlertPolicies.Select(p => Binding(p, "alertPolicyRef")))));
    }

    private static YamlNode Objective(Objective o) => Map(
        ("displayName", Opt(o.DisplayName)),
        ("op", o.Op is { } op ? S(op.ToString().ToLowerInvariant()) : null),
        ("value", o.Value is { } value ? Number(value) : null),
        ("target", Number(o.Target)),
        ("timeSliceTarget", o.TimeSliceTarget is { } st ? Number(st) : null),
        ("timeSliceWindow", o.TimeSliceWindow is { } sw ? S(sw.ToString()) : null));

    private static YamlMappingNode SliSpec(ServiceLevelIndicator sli)
    {
        YamlNode? ratio = null;
        if (sli.Ratio is { } r)
        {
            ratio = Map(
                ("counter", r.Counter is { } counter ? Bool(counter) : null),
                ("good", Metric(r.Good)),
                ("bad", Metric(r.Bad)),
                ("total", Metric(r.Total)),
                ("rawType", r.RawType is { } rawType ? S(rawType.ToString().ToLowerInvariant()) : null),
                ("raw", Metric(r.Raw)));
        }
        return Map(("description", Opt(sli.Description)), ("ratioMetric", ratio), ("thresholdMetric", Metric(sli.Threshold)));
    }

    private static YamlMappingNode? Metric(MetricSource? source) => source is null
        ? null
        : Map(("metricSource", Map(("metricSourceRef", Opt(source.Ref)), ("type", Opt(source.Type)), ("spec", Free(source.Spec)))));

    private static YamlMappingNode PolicySpec(AlertPolicy policy) => Map(
        ("description", Opt(policy.Description)),
        ("alertWhenNoData", Bool(policy.AlertWhenNoData)),
        ("alertWhenResolved", Bool(policy.AlertWhenResolved)),
        ("alertWhenBreaching", Bool(policy.AlertWhenBreaching)),
        ("conditions", new YamlSequenceNode(policy.Conditions.Select(c => Binding(c, "conditionRef")))),
        ("notificationTargets", new YamlSequenceNode(policy.NotificationTargets.Select(t => Binding(t, "targetRef")))));

    private static YamlMappingNode ConditionSpec(AlertCondition condition) => Map(
        ("description", Opt(condition.Description)),
        ("severity", S(condition.Severity)),
        ("condition", Map(
            ("kind", S("burnrate")),
            ("op", S(condition.Condition.Op.ToString().ToLowerInvariant())),
            ("threshold", Number(condition.Condition.Threshold)),
            ("lookbackWindow", S(condition.Condition.LookbackWindow.ToString())),
            ("alertAfter", S(condition.Condition.AlertAfter.ToString())))));

    private static YamlNode Binding<T>(RefOrInline<T> binding, string refKey)
        where T : OpenSloObject =>
        binding.Inline is { } inline
            ? Map(("kind", S(inline.Kind)), ("metadata", Metadata(inline.Metadata)), ("spec", Spec(inline)))
            : Map((refKey, S(binding.Ref!)));

    private static YamlMappingNode Metadata(ObjectMetadata metadata) => Map(
        ("name", S(metadata.Name)),
        ("displayName", Opt(metadata.DisplayName)),
        ("labels", metadata.Labels.Count == 0 ? null : new YamlMappingNode(metadata.Labels.Select(l =>
            new KeyValuePair<YamlNode, YamlNode>(S(l.Key), l.Value.Count == 1 ? S(l.Value[0]) : new YamlSequenceNode(l.Value.Select(S)))))),
        ("annotations", metadata.Annotations.Count == 0 ? null : new YamlMappingNode(metadata.Annotations.Select(a =>
            new KeyValuePair<YamlNode, YamlNode>(S(a.Key), S(a.Value))))));

    private static YamlNode Free(FreeYaml value) => value switch
    {
        FreeYaml.Scalar { Value: null } => new YamlScalarNode("~") { Style = ScalarStyle.Plain },
        FreeYaml.Scalar scalar => S(scalar.Value),
        FreeYaml.List list => new YamlSequenceNode(list.Items.Select(Free)),
        FreeYaml.Map map => new YamlMappingNode(map.Entries.Select(e => new KeyValuePair<YamlNode, YamlNode>(S(e.Key), Free(e.Value)))),
        _ => throw new InvalidOperationException("unknown YAML value"),
    };

    /// <summary>Builds a mapping, leaving out null values so optional fields stay absent.</summary>
    private static YamlMappingNode Map(params (string Key, YamlNode? Value)[] entries)
    {
        var map = new YamlMappingNode();
        foreach (var (key, value) in entries)
        {
            if (value is not null)
            {
                map.Add(key, value);
            }
        }
        return map;
    }

    /// <summary>
    /// A string scalar. Text that a plain scalar would turn into null (empty, <c>~</c>, <c>null</c>) is quoted, and so
    /// is anything with leading or trailing spaces, so it reads back as the same string.
    /// </summary>
    private static YamlScalarNode S(string value) =>
        value is "" or "~" or "null" or "Null" or "NULL" || value.Trim() != value
            ? new YamlScalarNode(value) { Style = ScalarStyle.DoubleQuoted }
            : new YamlScalarNode(value);

    private static YamlScalarNode? Opt(string? value) => value is null ? null : S(value);

    private static YamlScalarNode Bool(bool value) => new(value ? "true" : "false");

    private static YamlScalarNode Number(double value) => new(value.ToString("R", CultureInfo.InvariantCulture));
}
