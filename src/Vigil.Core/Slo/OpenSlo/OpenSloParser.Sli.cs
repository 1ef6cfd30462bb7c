using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Slo.OpenSlo;

/// <summary><c>kind: SLI</c>: ratio or threshold metrics and their metric sources.</summary>
internal sealed partial class OpenSloParser
{
    private static readonly string[] SliKeys = ["description", "thresholdMetric", "ratioMetric"];
    private static readonly string[] RatioKeys = ["counter", "good", "bad", "total", "rawType", "raw"];
    private static readonly string[] MetricKeys = ["metricSource"];
    private static readonly string[] MetricSourceKeys = ["metricSourceRef", "type", "spec"];

    private ServiceLevelIndicator? ParseSli(ObjectMetadata? metadata, YamlMappingNode spec)
    {
        var keys = _reader.Keys(spec, "the SLI spec", SliKeys);
        var description = Description(keys);
        var hasRatio = keys.TryGetValue("ratioMetric", out var ratioNode);
        var hasThreshold = keys.TryGetValue("thresholdMetric", out var thresholdNode);
        if (hasRatio == hasThreshold)
        {
            _reader.Error(hasRatio ? thresholdNode! : spec, hasRatio
                ? "give either \"ratioMetric\" or \"thresholdMetric\", not both"
                : "missing \"ratioMetric\" or \"thresholdMetric\" in the SLI spec");
            return null;
        }
        var ratio = hasRatio ? RatioMetric(ratioNode!) : null;
        var threshold = hasThreshold ? Metric(thresholdNode!, "thresholdMetric") : null;
        return metadata is null || (ratio is null && threshold is null) ? null : new ServiceLevelIndicator(metadata, description, ratio, threshold);
    }

    private RatioMetric? RatioMetric(YamlNode node)
    {
        if (_reader.Mapping(node, "\"ratioMetric\"") is not { } map)
        {
            return null;
        }
        var keys = _reader.Keys(map, "\"ratioMetric\"", RatioKeys);
        var counter = keys.TryGetValue("counter", out var counterNode) ? _reader.Bool(counterNode, "counter") : null;
        MetricSource? Part(string key) => keys.TryGetValue(key, out var partNode) ? Metric(partNode, key) : null;
        var (good, bad, total, raw) = (Part("good"), Part("bad"), Part("total"), Part("raw"));
        RawRatioType? rawType = null;
        if (keys.TryGetValue("rawType", out var rawTypeNode))
        {
            rawType = _reader.String(rawTypeNode, "rawType") switch
            {
                null => null,
                "success" => RawRatioType.Success,
                "failure" => RawRatioType.Failure,
                var other => InvalidRawType(rawTypeNode, other),
            };
        }
        if (keys.ContainsKey("raw"))
        {
            if (keys.ContainsKey("good") || keys.ContainsKey("bad") || keys.ContainsKey("total"))
            {
                _reader.Error(keys["raw"], "\"raw\" is a precomputed ratio and cannot be combined with good, bad or total");
                return null;
            }
            if (rawTypeNode is null)
            {
                _reader.Error(map, "missing \"rawType\" (success or failure) for the \"raw\" ratio");
            }
            return raw is null || rawType is null ? null : new RatioMetric(counter, null, null, null, rawType, null) with { Raw = raw };
        }
        if (rawTypeNode is not null)
        {
            _reader.Error(rawTypeNode, "\"rawType\" only applies to a \"raw\" ratio");
        }
        if (!keys.ContainsKey("total"))
        {
            _reader.Error(map, "missing \"total\" (with \"good\" or \"bad\") or \"raw\" in the ratioMetric");
            return null;
        }
        if (keys.ContainsKey("good") == keys.ContainsKey("bad"))
        {
            _reader.Error(map, keys.ContainsKey("good")
                ? "give either \"good\" or \"bad\" over \"total\", not both"
                : "missing \"good\" or \"bad\" to divide by \"total\"");
            return null;
        }
        return total is null || (good is null && bad is null) ? null : new RatioMetric(counter, good, bad, total, null, null);
    }

    private RawRatioType? InvalidRawType(YamlNode node, string text)
    {
        _reader.Error(node, $"\"rawType\" must be success or failure, not \"{text}\"");
        return null;
    }

    /// <summary>A <c>{metricSource: ...}</c> wrapper as used by good, bad, total, raw and thresholdMetric.</summary>
    private MetricSource? Metric(YamlNode node, string field)
    {
        if (_reader.Mapping(node, $"\"{field}\"") is not { } map)
        {
            return null;
        }
        var keys = _reader.Keys(map, $"\"{field}\"", MetricKeys);
        if (Required(keys, "metricSource", map, $"\"{field}\"") is not { } sourceNode || _reader.Mapping(sourceNode, "\"metricSource\"") is not { } source)
        {
            return null;
        }
        var sourceKeys = _reader.Keys(source, "\"metricSource\"", MetricSourceKeys);
        var sourceRef = sourceKeys.TryGetValue("metricSourceRef", out var refNode) ? _reader.String(refNode, "metricSourceRef") : null;
        var type = sourceKeys.TryGetValue("type", out var typeNode) ? _reader.String(typeNode, "type") : null;
        if (string.IsNullOrEmpty(sourceRef) && string.IsNullOrEmpty(type))
        {
            _reader.Error(source, "the metricSource needs a \"type\" (e.g. Prometheus) or a \"metricSourceRef\" to a DataSource");
            return null;
        }
        if (!string.IsNullOrEmpty(sourceRef))
        {
            _references.Add(new ObjectReference("DataSource", sourceRef, "metricSourceRef", At(refNode!)));
        }
        var spec = sourceKeys.TryGetValue("spec", out var specNode) ? Free(specNode) : FreeYaml.Null;
        return new MetricSource(string.IsNullOrEmpty(sourceRef) ? null : sourceRef, string.IsNullOrEmpty(type) ? null : type, spec);
    }
}
