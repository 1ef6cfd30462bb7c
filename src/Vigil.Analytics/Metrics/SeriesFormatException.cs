namespace Vigil.Analytics.Metrics;

/// <summary>A metric file that cannot be read; the message names the file and line.</summary>
public sealed class SeriesFormatException(string message) : Exception(message);
