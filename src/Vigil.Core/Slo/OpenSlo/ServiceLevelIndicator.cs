namespace Vigil.Core.Slo.OpenSlo;

/// <summary>
/// <c>kind: SLI</c> (also the inline <c>indicator</c> of an SLO): how to read good/bad/total events
/// (<see cref="Ratio"/>) or a value compared with an objective's threshold (<see cref="Threshold"/>). Exactly one is set.
/// </summary>
public sealed record ServiceLevelIndicator(ObjectMetadata Metadata, string? Description, RatioMetric? Ratio, MetricSource? Threshold)
    : OpenSloObject(Metadata)
{
    public override string Kind => "SLI";
}

/// <summary>
/// <c>ratioMetric</c>: <see cref="Total"/> with exactly one of <see cref="Good"/> and <see cref="Bad"/>, or a
/// precomputed <see cref="Raw"/> ratio whose meaning <see cref="RawType"/> gives.
/// </summary>
/// <param name="Counter">True when the queries return monotonically increasing counters; null when not stated.</param>
public sealed record RatioMetric(bool? Counter, MetricSource? Good, MetricSource? Bad, MetricSource? Total, RawRatioType? RawType, MetricSource? Raw);

public enum RawRatioType
{
    /// <summary>The raw metric is good/total.</summary>
    Success,

    /// <summary>The raw metric is bad/total.</summary>
    Failure,
}

/// <summary>
/// <c>metricSource</c>: a source type (e.g. <c>Prometheus</c>) or a <c>DataSource</c> reference, and a free-form
/// spec. Vigil evaluates Prometheus sources whose spec has a <c>query</c>.
/// </summary>
public sealed record MetricSource(string? Ref, string? Type, FreeYaml Spec)
{
    public string? Query => Spec.GetString("query");
}
