using Vigil.Analytics.IO;
using Vigil.Core.Config;

namespace Vigil.Core.Slo.OpenSlo;

/// <summary>
/// All objects of a set of OpenSLO files, with references resolved across files (an SLO in one file may name an SLI
/// in another). <see cref="Errors"/> holds every problem: per-file ones first, then duplicates and unknown references.
/// </summary>
public sealed class OpenSloCatalog
{
    private readonly Dictionary<(string Kind, string Name), OpenSloObject> _byName = [];
    private readonly Dictionary<(string Kind, string Name), SourcePosition> _positions = [];

    private OpenSloCatalog(List<OpenSloObject> objects, List<ConfigError> errors)
    {
        Objects = objects;
        Errors = errors;
    }

    public IReadOnlyList<OpenSloObject> Objects { get; }

    public IReadOnlyList<ConfigError> Errors { get; }

    public bool IsValid => Errors.Count == 0;

    public IEnumerable<ServiceLevelObjective> Slos => Objects.OfType<ServiceLevelObjective>();

    /// <summary>Reads and links files; a file that cannot be read is an error of the catalog, not an exception.</summary>
    public static OpenSloCatalog Load(IEnumerable<string> paths) => Link(paths.Select(path =>
    {
        try
        {
            return OpenSloParser.Parse(BoundedFile.ReadAllText(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new OpenSloFile(path, [], [], [new ConfigError(path, 1, 1, "cannot read the file: " + ex.Message)]);
        }
    }));

    public static OpenSloCatalog Parse(string text, string fileName) => Link([OpenSloParser.Parse(text, fileName)]);

    public static OpenSloCatalog Link(IEnumerable<OpenSloFile> files)
    {
        var fileList = files.ToList();
        var errors = fileList.SelectMany(f => f.Errors).ToList();
        var objects = new List<OpenSloObject>();
        var firstSeen = new Dictionary<(string, string), SourcePosition>();
        var catalog = new OpenSloCatalog(objects, errors);
        foreach (var definition in fileList.SelectMany(f => f.Definitions))
        {
            var key = (definition.Object.Kind, definition.Object.Name);
            if (firstSeen.TryGetValue(key, out var first))
            {
                errors.Add(definition.At.Error($"duplicate {definition.Object.Kind} \"{definition.Object.Name}\"; first defined at {first}"));
                continue;
            }
            firstSeen[key] = definition.At;
            catalog._byName[key] = definition.Object;
            catalog._positions[key] = definition.At;
            objects.Add(definition.Object);
        }
        foreach (var reference in fileList.SelectMany(f => f.References))
        {
            if (!catalog._byName.TryGetValue((reference.Kind, reference.Name), out var target))
            {
                errors.Add(reference.At.Error($"{reference.Field} \"{reference.Name}\" does not name a {reference.Kind} in the given files"));
            }
            else if (reference.Slo is { } slo && target is ServiceLevelIndicator indicator)
            {
                errors.AddRange(OpenSloParser.ObjectiveProblems(indicator, slo.Objectives).Select(reference.At.Error));
            }
        }
        return catalog;
    }

    /// <summary>An error about <paramref name="obj"/>, at the position of its <c>metadata.name</c> (file:line:column).</summary>
    public ConfigError ErrorAt(OpenSloObject obj, string message) =>
        _positions.TryGetValue((obj.Kind, obj.Name), out var at) ? at.Error(message) : new ConfigError("<openslo>", 1, 1, message);

    public T? Find<T>(string kind, string name)
        where T : OpenSloObject =>
        _byName.TryGetValue((kind, name), out var found) ? found as T : null;

    /// <summary>The SLO's indicator, inline or by reference; null only when the catalog has errors.</summary>
    public ServiceLevelIndicator? IndicatorOf(ServiceLevelObjective slo) =>
        slo.Indicator ?? (slo.IndicatorRef is { } name ? Find<ServiceLevelIndicator>("SLI", name) : null);

    /// <summary>The source type, from the metric source or else from the DataSource it names (OpenSLO lets either say it).</summary>
    public string? SourceTypeOf(MetricSource source) =>
        source.Type ?? (source.Ref is { } name ? Find<DataSource>("DataSource", name)?.Type : null);

    public IEnumerable<AlertPolicy> AlertPoliciesOf(ServiceLevelObjective slo) =>
        slo.AlertPolicies.Select(p => p.Inline ?? Find<AlertPolicy>("AlertPolicy", p.Ref!)).OfType<AlertPolicy>();

    public AlertCondition? ConditionOf(AlertPolicy policy) =>
        policy.Conditions.Select(c => c.Inline ?? Find<AlertCondition>("AlertCondition", c.Ref!)).FirstOrDefault();
}
