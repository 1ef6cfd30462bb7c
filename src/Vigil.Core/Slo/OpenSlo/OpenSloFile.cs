using Vigil.Core.Config;
using YamlDotNet.RepresentationModel;

namespace Vigil.Core.Slo.OpenSlo;

/// <summary>The objects of one OpenSLO file and the problems found in it alone (references are checked by <see cref="OpenSloCatalog"/>).</summary>
public sealed class OpenSloFile
{
    internal OpenSloFile(string fileName, List<DefinedObject> definitions, List<ObjectReference> references, List<ConfigError> errors)
    {
        FileName = fileName;
        Definitions = definitions;
        References = references;
        Errors = errors;
    }

    public string FileName { get; }

    public IReadOnlyList<OpenSloObject> Objects => [.. Definitions.Select(d => d.Object)];

    public IReadOnlyList<ConfigError> Errors { get; }

    internal IReadOnlyList<DefinedObject> Definitions { get; }

    internal IReadOnlyList<ObjectReference> References { get; }
}

/// <summary>Where something was written: the position every error message starts with.</summary>
internal readonly record struct SourcePosition(string File, int Line, int Column)
{
    public static SourcePosition Of(string file, YamlNode node) => new(file, checked((int)node.Start.Line), checked((int)node.Start.Column));

    public ConfigError Error(string message) => new(File, Line, Column, message);

    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>A top-level object and the position of its <c>metadata.name</c> (for duplicate-name errors).</summary>
internal sealed record DefinedObject(OpenSloObject Object, SourcePosition At);

/// <summary>A name that must resolve to an object of <paramref name="Kind"/> (e.g. <c>indicatorRef</c> → SLI).</summary>
/// <param name="Slo">For <c>indicatorRef</c>: the SLO, whose objectives must suit the indicator once resolved.</param>
internal sealed record ObjectReference(string Kind, string Name, string Field, SourcePosition At, ServiceLevelObjective? Slo = null);
