using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Slo.OpenSlo;

/// <summary>The smaller kinds: Service, DataSource, AlertPolicy, AlertCondition, AlertNotificationTarget.</summary>
internal sealed partial class OpenSloParser
{
    private static readonly string[] DescriptionOnly = ["description"];
    private static readonly string[] DataSourceKeys = ["description", "type", "connectionDetails"];
    private static readonly string[] TargetKeys = ["description", "target"];
    private static readonly string[] PolicyKeys = ["description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching", "conditions", "notificationTargets"];
    private static readonly string[] ConditionKeys = ["description", "severity", "condition"];
    private static readonly string[] BurnRateKeys = ["kind", "op", "threshold", "lookbackWindow", "alertAfter"];

    private Service? ParseService(ObjectMetadata? metadata, YamlMappingNode spec)
    {
        var description = Description(_reader.Keys(spec, "the Service spec", DescriptionOnly));
        return metadata is null ? null : new Service(metadata, description);
    }

    private DataSource? ParseDataSource(ObjectMetadata? metadata, YamlMappingNode spec)
    {
        var keys = _reader.Keys(spec, "the DataSource spec", DataSourceKeys);
        var description = Description(keys);
        var type = RequiredString(keys, "type", spec, "the DataSource spec");
        var details = keys.TryGetValue("connectionDetails", out var detailsNode) ? Free(detailsNode) : FreeYaml.Null;
        return metadata is null || type is null ? null : new DataSource(metadata, description, type, details);
    }

    private AlertNotificationTarget? ParseNotificationTarget(ObjectMetadata? metadata, YamlMappingNode spec)
    {
        var keys = _reader.Keys(spec, "the AlertNotificationTarget spec", TargetKeys);
        var description = Description(keys);
        var target = RequiredString(keys, "target", spec, "the AlertNotificationTarget spec");
        return metadata is null || target is null ? null : new AlertNotificationTarget(metadata, description, target);
    }

    private AlertPolicy? ParseAlertPolicy(ObjectMetadata? metadata, YamlMappingNode spec)
    {
        var keys = _reader.Keys(spec, "the AlertPolicy spec", PolicyKeys);
        var description = Description(keys);
        bool Flag(string key, bool absent) => keys.TryGetValue(key, out var node) ? _reader.Bool(node, key) == true : absent;
        // The spec gives no defaults; a policy exists to alert, so only an explicit "alertWhenBreaching: false" turns that off.
        var (noData, resolved, breaching) = (Flag("alertWhenNoData", false), Flag("alertWhenResolved", false), Flag("alertWhenBreaching", true));
        List<RefOrInline<AlertCondition>> conditions = [];
        if (Required(keys, "conditions", spec, "the AlertPolicy spec") is { } conditionsNode)
        {
            conditions = Bindings<AlertCondition>(conditionsNode, "conditions", "conditionRef", "AlertCondition", ParseAlertCondition);
            if (conditionsNode is YamlSequenceNode { Children.Count: not 1 } list)
            {
                // OpenSLO v1 makes this a list for the future but allows exactly one condition.
                _reader.Error(conditionsNode, $"\"conditions\" must hold exactly one condition in OpenSLO v1, not {list.Children.Count}");
                return null;
            }
        }
        List<RefOrInline<AlertNotificationTarget>> targets = keys.TryGetValue("notificationTargets", out var targetsNode)
            ? Bindings<AlertNotificationTarget>(targetsNode, "notificationTargets", "targetRef", "AlertNotificationTarget", ParseNotificationTarget)
            : [];
        return metadata is null || conditions.Count != 1 ? null : new AlertPolicy(metadata, description, noData, resolved, breaching, new(conditions), new(targets));
    }

    private AlertCondition? ParseAlertCondition(ObjectMetadata? metadata, YamlMappingNode spec)
    {
        var keys = _reader.Keys(spec, "the AlertCondition spec", ConditionKeys);
        var description = Description(keys);
        var severity = RequiredString(keys, "severity", spec, "the AlertCondition spec");
        var condition = Required(keys, "condition", spec, "the AlertCondition spec") is { } conditionNode ? BurnRate(conditionNode) : null;
        return metadata is null || severity is null || condition is null ? null : new AlertCondition(metadata, description, severity, condition);
    }

    private BurnRateCondition? BurnRate(YamlNode node)
    {
        if (_reader.Mapping(node, "\"condition\"") is not { } map)
        {
            return null;
        }
        var keys = _reader.Keys(map, "\"condition\"", BurnRateKeys);
        if (keys.TryGetValue("kind", out var kindNode) && _reader.String(kindNode, "kind") is { } kind && kind != "burnrate")
        {
            _reader.Error(kindNode, $"unknown condition kind \"{kind}\"; OpenSLO v1 defines only burnrate");
            return null;
        }
        var op = Required(keys, "op", map, "the burn-rate condition") is { } opNode ? Operator(opNode, "op") : null;
        var threshold = Required(keys, "threshold", map, "the burn-rate condition") is { } thresholdNode ? Number(thresholdNode, "threshold") : null;
        var lookback = Required(keys, "lookbackWindow", map, "the burn-rate condition") is { } lookbackNode ? Duration(lookbackNode, "lookbackWindow") : null;
        SloDuration? alertAfter = keys.TryGetValue("alertAfter", out var afterNode) ? Duration(afterNode, "alertAfter", allowZero: true) : SloDuration.Minutes(0);
        if (threshold is < 0)
        {
            _reader.Error(keys["threshold"], "a burn-rate threshold cannot be negative");
            return null;
        }
        return op is null || threshold is null || lookback is null || alertAfter is null
            ? null
            : new BurnRateCondition(op.Value, threshold.Value, lookback.Value, alertAfter.Value);
    }
}
