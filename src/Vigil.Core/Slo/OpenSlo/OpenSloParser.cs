using System.Globalization;
using Vigil.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Slo.OpenSlo;

/// <summary>
/// Parses a multi-document OpenSLO v1 file. Like <see cref="ConfigLoader"/> it walks YamlDotNet's representation
/// model, whose nodes carry line and column, and records every problem instead of stopping at the first.
/// </summary>
internal sealed partial class OpenSloParser
{
    private static readonly string[] DocumentKeys = ["apiVersion", "kind", "metadata", "spec"];
    private static readonly string[] InlineKeys = ["apiVersion", "kind", "metadata", "spec"];
    private static readonly string[] MetadataKeys = ["name", "displayName", "labels", "annotations"];
    private static readonly string[] Kinds = ["Service", "SLO", "SLI", "AlertPolicy", "AlertCondition", "AlertNotificationTarget", "DataSource"];
    private const int MaxDescriptionLength = 1050;

    /// <summary>
    /// Most objectives in one SLO. Every objective is evaluated each round and becomes three rule groups (some 7 KB) in
    /// <c>vigil slo rules</c>: 50,000 objectives in a 1 MB file took the rules past 3 GB. OpenSLO sets no limit; real
    /// SLOs have one, or a few latency thresholds.
    /// </summary>
    public const int MaxObjectives = 100;

    private readonly string _file;
    private readonly YamlReader _reader;
    private readonly List<DefinedObject> _definitions = [];
    private readonly List<ObjectReference> _references = [];

    private OpenSloParser(string file)
    {
        _file = file;
        _reader = new YamlReader(file);
    }

    public static OpenSloFile Parse(string text, string fileName)
    {
        var parser = new OpenSloParser(fileName);
        if (!YamlLoader.TryLoad(text, fileName, out var stream, out var error))
        {
            return new OpenSloFile(fileName, [], [], [error]);
        }
        foreach (var document in stream.Documents)
        {
            if (!YamlReader.IsNull(document.RootNode))
            {
                parser.ParseDocument(document.RootNode);
            }
        }
        if (parser._definitions.Count == 0 && parser._reader.Errors.Count == 0)
        {
            parser._reader.Errors.Add(new ConfigError(fileName, 1, 1, "no OpenSLO documents in the file"));
        }
        return new OpenSloFile(fileName, parser._definitions, parser._references, parser._reader.Errors);
    }

    private void ParseDocument(YamlNode root)
    {
        if (_reader.Mapping(root, "an OpenSLO document") is not { } map)
        {
            return;
        }
        var keys = _reader.Keys(map, "an OpenSLO document", DocumentKeys);
        if (!keys.TryGetValue("apiVersion", out var apiVersionNode))
        {
            _reader.Error(map, $"missing \"apiVersion\"; Vigil reads {OpenSloObject.ApiVersion} documents");
        }
        else if (_reader.String(apiVersionNode, "apiVersion") is { } apiVersion && apiVersion != OpenSloObject.ApiVersion)
        {
            _reader.Error(apiVersionNode, $"unsupported apiVersion \"{apiVersion}\"; Vigil reads {OpenSloObject.ApiVersion} documents");
        }
        if (Kind(keys, map, expected: null) is not { } kind)
        {
            return;
        }
        if (ParseObject(kind, keys, map) is { } parsed)
        {
            _definitions.Add(new DefinedObject(parsed.Object, parsed.NameAt));
        }
    }

    private string? Kind(Dictionary<string, YamlNode> keys, YamlMappingNode map, string? expected)
    {
        if (!keys.TryGetValue("kind", out var node))
        {
            if (expected is null)
            {
                _reader.Error(map, $"missing \"kind\"; expected one of: {string.Join(", ", Kinds)}");
            }
            return expected;
        }
        var kind = _reader.String(node, "kind");
        if (kind is null)
        {
            return null;
        }
        if (expected is not null && kind != expected)
        {
            _reader.Error(node, $"expected kind {expected} here, not \"{kind}\"");
            return null;
        }
        if (!Kinds.Contains(kind))
        {
            _reader.Error(node, $"unknown kind \"{kind}\"; expected one of: {string.Join(", ", Kinds)}");
            return null;
        }
        return kind;
    }

    private (OpenSloObject Object, SourcePosition NameAt)? ParseObject(string kind, Dictionary<string, YamlNode> keys, YamlMappingNode map)
    {
        if (!keys.TryGetValue("metadata", out var metadataNode))
        {
            _reader.Error(map, $"missing \"metadata\" with a name in the {kind}");
            return null;
        }
        var metadata = Metadata(metadataNode, kind);
        var spec = Spec(keys, map, kind);
        if (spec is null)
        {
            return null;
        }
        OpenSloObject? result = kind switch
        {
            "Service" => ParseService(metadata?.Metadata, spec),
            "SLO" => ParseSlo(metadata?.Metadata, spec),
            "SLI" => ParseSli(metadata?.Metadata, spec),
            "AlertPolicy" => ParseAlertPolicy(metadata?.Metadata, spec),
            "AlertCondition" => ParseAlertCondition(metadata?.Metadata, spec),
            "AlertNotificationTarget" => ParseNotificationTarget(metadata?.Metadata, spec),
            "DataSource" => ParseDataSource(metadata?.Metadata, spec),
            _ => null,
        };
        return result is null || metadata is null ? null : (result, metadata.Value.NameAt);
    }

    /// <summary>The <c>spec</c> mapping.</summary>
    private YamlMappingNode? Spec(Dictionary<string, YamlNode> keys, YamlMappingNode owner, string kind)
    {
        if (keys.TryGetValue("spec", out var node))
        {
            return _reader.Mapping(node, $"the spec of the {kind}");
        }
        // A null spec ("spec:" with nothing under it) is left out of the keys like any null; only a Service has nothing
        // required in its spec, so for a Service it is an empty one.
        if (owner.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "spec" }).Value is { } nullSpec)
        {
            if (kind == "Service")
            {
                return [];
            }
            _reader.Error(nullSpec, $"the spec of the {kind} is empty");
            return null;
        }
        _reader.Error(owner, $"missing \"spec\" in the {kind}");
        return null;
    }

    /// <summary>An object written inside another (<c>indicator</c>, inline alert policy, condition or target).</summary>
    private T? Inline<T>(YamlMappingNode map, string kind, Func<ObjectMetadata?, YamlMappingNode, T?> parse)
        where T : OpenSloObject
    {
        var keys = _reader.Keys(map, $"the inline {kind}", InlineKeys);
        if (keys.TryGetValue("apiVersion", out var apiVersionNode) && _reader.String(apiVersionNode, "apiVersion") is { } apiVersion && apiVersion != OpenSloObject.ApiVersion)
        {
            _reader.Error(apiVersionNode, $"unsupported apiVersion \"{apiVersion}\"; Vigil reads {OpenSloObject.ApiVersion} documents");
        }
        if (Kind(keys, map, kind) is null)
        {
            return null;
        }
        if (!keys.TryGetValue("metadata", out var metadataNode))
        {
            _reader.Error(map, $"missing \"metadata\" with a name in the inline {kind}");
            return null;
        }
        var metadata = Metadata(metadataNode, kind);
        if (Spec(keys, map, kind) is not { } spec)
        {
            return null;
        }
        var parsed = parse(metadata?.Metadata, spec);
        return metadata is null ? null : parsed;
    }

    private (ObjectMetadata Metadata, SourcePosition NameAt)? Metadata(YamlNode node, string kind)
    {
        if (_reader.Mapping(node, $"the metadata of the {kind}") is not { } map)
        {
            return null;
        }
        var keys = _reader.Keys(map, "metadata", MetadataKeys);
        string? name = null;
        var nameAt = SourcePosition.Of(_file, map);
        if (!keys.TryGetValue("name", out var nameNode))
        {
            _reader.Error(map, $"missing \"metadata.name\" in the {kind}");
        }
        else if (_reader.String(nameNode, "name") is { } text)
        {
            nameAt = SourcePosition.Of(_file, nameNode);
            name = ValidName(nameNode, text) ? text : null;
        }
        var displayName = keys.TryGetValue("displayName", out var displayNode) ? _reader.String(displayNode, "displayName") : null;
        var labels = keys.TryGetValue("labels", out var labelsNode) ? Labels(labelsNode) : [];
        var annotations = keys.TryGetValue("annotations", out var annotationsNode) ? StringMap(annotationsNode, "annotations") : [];
        if (annotationsNode is YamlMappingNode annotationMap)
        {
            CheckVigilAnnotations(annotationMap);
        }
        return name is null ? null : (new ObjectMetadata(name, displayName, new(labels), new(annotations)), nameAt);
    }

    /// <summary>
    /// OpenSLO requires at least RFC 1123 labels and encourages up to 255 characters of <c>[a-z0-9-.|/\]</c>; its own
    /// examples use capitals too (<c>OnCallDevopsMailNotification</c>), so letters of both cases are accepted.
    /// </summary>
    private bool ValidName(YamlNode node, string name)
    {
        if (name.Length is 0 or > 255 || name.AsSpan().ContainsAnyExcept(NameCharacters))
        {
            _reader.Error(node, $"invalid name \"{name}\": use 1 to 255 letters, digits or - . | / \\");
            return false;
        }
        return true;
    }

    private static readonly System.Buffers.SearchValues<char> NameCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.|/\\_");

    private List<KeyValuePair<string, ValueList<string>>> Labels(YamlNode node)
    {
        var result = new List<KeyValuePair<string, ValueList<string>>>();
        if (YamlReader.IsNull(node) || _reader.Mapping(node, "\"labels\"") is not { } map)
        {
            return result;
        }
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (_reader.String(keyNode, "labels") is not { } key)
            {
                continue;
            }
            if (valueNode is YamlSequenceNode)
            {
                if (_reader.StringList(valueNode, $"labels.{key}") is { } values)
                {
                    result.Add(new(key, new(values)));
                }
            }
            else if (_reader.String(valueNode, $"labels.{key}") is { } value)
            {
                result.Add(new(key, new([value])));
            }
        }
        return result;
    }

    private void CheckVigilAnnotations(YamlMappingNode annotations)
    {
        foreach (var (key, value) in annotations.Children)
        {
            if (YamlReader.IsNull(value))
            {
                // Reported by StringMap, which reads the annotations.
                continue;
            }
            if (key is YamlScalarNode { Value: Budget.MissingData.AnnotationKey } && value is YamlScalarNode { Value: var text }
                && !Budget.MissingData.TryParse(text, out _))
            {
                _reader.Error(value, $"\"{Budget.MissingData.AnnotationKey}\" must be good, bad or ignore, not \"{text}\"");
            }
            if (key is YamlScalarNode { Value: Evaluation.SloAnnotations.WorkbookAlerts } && value is YamlScalarNode { Value: var workbook }
                && !Evaluation.SloAnnotations.TryParseBool(workbook, out _))
            {
                _reader.Error(value, $"\"{Evaluation.SloAnnotations.WorkbookAlerts}\" must be \"true\" or \"false\", not \"{workbook}\"");
            }
            if (key is YamlScalarNode { Value: Evaluation.SloAnnotations.ErrorBudgetPolicy } && value is YamlScalarNode { Value: var policy }
                && !Evaluation.SloAnnotations.TryParseBudgetPolicy(policy, out _))
            {
                _reader.Error(value, $"\"{Evaluation.SloAnnotations.ErrorBudgetPolicy}\" must be freeze or none, not \"{policy}\"");
            }
        }
    }

    private List<KeyValuePair<string, string>> StringMap(YamlNode node, string what)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (YamlReader.IsNull(node) || _reader.Mapping(node, $"\"{what}\"") is not { } map)
        {
            return result;
        }
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (_reader.String(keyNode, what) is { } key && _reader.String(valueNode, $"{what}.{key}") is { } value)
            {
                result.Add(new(key, value));
            }
        }
        return result;
    }

    private string? Description(Dictionary<string, YamlNode> keys)
    {
        if (!keys.TryGetValue("description", out var node) || _reader.String(node, "description") is not { } text)
        {
            return null;
        }
        if (text.Length > MaxDescriptionLength)
        {
            _reader.Error(node, $"\"description\" has {text.Length} characters; OpenSLO allows at most {MaxDescriptionLength}");
        }
        return text;
    }

    private YamlNode? Required(Dictionary<string, YamlNode> keys, string key, YamlNode owner, string where)
    {
        if (keys.TryGetValue(key, out var node) && !YamlReader.IsNull(node))
        {
            return node;
        }
        _reader.Error(owner, $"missing \"{key}\" in {where}");
        return null;
    }

    private string? RequiredString(Dictionary<string, YamlNode> keys, string key, YamlNode owner, string where)
    {
        if (Required(keys, key, owner, where) is not { } node || _reader.String(node, key) is not { } text)
        {
            return null;
        }
        if (text.Length == 0)
        {
            _reader.Error(node, $"\"{key}\" must not be empty");
            return null;
        }
        return text;
    }

    private double? Number(YamlNode node, string key)
    {
        var text = _reader.String(node, key);
        if (text is null)
        {
            return null;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }
        _reader.Error(node, $"\"{key}\" must be a number, not \"{text}\"");
        return null;
    }

    private SloDuration? Duration(YamlNode node, string key, bool allowZero = false)
    {
        var text = _reader.String(node, key);
        if (text is null)
        {
            return null;
        }
        if (!SloDuration.TryParse(text, out var duration))
        {
            _reader.Error(node, $"invalid duration \"{text}\" for \"{key}\"; use a number and one of m, h, d, w, M, Q, Y (e.g. 5m, 28d, 1M)");
            return null;
        }
        if (duration.IsZero && !allowZero)
        {
            _reader.Error(node, $"\"{key}\" must not be zero-length");
            return null;
        }
        if (duration.ToTimeSpan() > SloDuration.Longest)
        {
            // Every duration here becomes a window of minutes kept in memory or a Prometheus range; a 5000Y window
            // was accepted and then made every SLO endpoint fail.
            _reader.Error(node, $"\"{key}\" {text} is longer than {SloDuration.LongestText}, the longest window Vigil keeps");
            return null;
        }
        return duration;
    }

    private ComparisonOperator? Operator(YamlNode node, string key)
    {
        var text = _reader.String(node, key);
        ComparisonOperator? op = text switch
        {
            null => null,
            "lt" => ComparisonOperator.Lt,
            "lte" => ComparisonOperator.Lte,
            "gt" => ComparisonOperator.Gt,
            "gte" => ComparisonOperator.Gte,
            _ => null,
        };
        if (op is null && text is not null)
        {
            _reader.Error(node, $"\"{key}\" must be one of lt, lte, gt, gte, not \"{text}\"");
        }
        return op;
    }

    private FreeYaml Free(YamlNode node) => node switch
    {
        _ when YamlReader.IsNull(node) => FreeYaml.Null,
        YamlScalarNode scalar => new FreeYaml.Scalar(scalar.Value ?? ""),
        YamlSequenceNode sequence => new FreeYaml.List(new(sequence.Children.Select(Free))),
        YamlMappingNode map => new FreeYaml.Map(new(map.Children
            .Where(c => c.Key is YamlScalarNode { Value: not null } || Fail(c.Key, "keys must be plain strings"))
            .Select(c => new KeyValuePair<string, FreeYaml>(((YamlScalarNode)c.Key).Value!, Free(c.Value))))),
        _ => FreeYaml.Null,
    };

    private bool Fail(YamlNode node, string message)
    {
        _reader.Error(node, message);
        return false;
    }

    private SourcePosition At(YamlNode node) => SourcePosition.Of(_file, node);
}
