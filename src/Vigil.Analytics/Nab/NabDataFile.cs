using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Nab;

/// <summary>One NAB data file with its labelled windows; <see cref="Category"/> is its folder (e.g. <c>realKnownCause</c>).</summary>
public sealed record NabDataFile(string RelativePath, string Category, MetricSeries Series, IReadOnlyList<NabWindow> Windows);
