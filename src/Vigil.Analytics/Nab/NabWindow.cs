namespace Vigil.Analytics.Nab;

/// <summary>A labelled anomaly window of one data file, both ends inclusive.</summary>
public readonly record struct NabWindow(DateTime Start, DateTime End);
