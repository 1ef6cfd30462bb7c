namespace Vigil.Core.Slo.OpenSlo;

/// <summary>
/// One OpenSLO v1 document (<c>apiVersion: openslo/v1</c>). The model holds values only (no file positions) so that
/// parsing a serialised object gives back an equal one; positions live in the parser's side tables.
/// </summary>
public abstract record OpenSloObject(ObjectMetadata Metadata)
{
    public const string ApiVersion = "openslo/v1";

    public abstract string Kind { get; }

    public string Name => Metadata.Name;
}

/// <summary><c>metadata</c>: name, optional display name, labels (a value or a list of values) and annotations.</summary>
public sealed record ObjectMetadata(
    string Name,
    string? DisplayName,
    ValueList<KeyValuePair<string, ValueList<string>>> Labels,
    ValueList<KeyValuePair<string, string>> Annotations)
{
    public static ObjectMetadata Named(string name) => new(name, null, ValueList<KeyValuePair<string, ValueList<string>>>.Empty, ValueList<KeyValuePair<string, string>>.Empty);

    public string? Annotation(string key)
    {
        foreach (var (k, v) in Annotations)
        {
            if (k == key)
            {
                return v;
            }
        }
        return null;
    }
}

/// <summary>A field that either names another object (<c>alertPolicyRef</c>, <c>conditionRef</c>, <c>targetRef</c>) or holds it inline.</summary>
public sealed record RefOrInline<T>(string? Ref, T? Inline)
    where T : OpenSloObject
{
    public static RefOrInline<T> To(string name) => new(name, null);

    public static RefOrInline<T> Of(T value) => new(null, value);
}

/// <summary><c>kind: Service</c>: a grouping of SLOs.</summary>
public sealed record Service(ObjectMetadata Metadata, string? Description) : OpenSloObject(Metadata)
{
    public override string Kind => "Service";
}

/// <summary><c>kind: DataSource</c>: connection details shared by metric sources (<c>metricSourceRef</c>).</summary>
public sealed record DataSource(ObjectMetadata Metadata, string? Description, string Type, FreeYaml ConnectionDetails) : OpenSloObject(Metadata)
{
    public override string Kind => "DataSource";
}

/// <summary><c>kind: AlertNotificationTarget</c>: where an alert policy sends notifications.</summary>
public sealed record AlertNotificationTarget(ObjectMetadata Metadata, string? Description, string Target) : OpenSloObject(Metadata)
{
    public override string Kind => "AlertNotificationTarget";
}

/// <summary>Comparison operators of objectives and alert conditions.</summary>
public enum ComparisonOperator
{
    Lt,
    Lte,
    Gt,
    Gte,
}
