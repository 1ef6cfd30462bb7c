using Vigil.Analytics.Metrics;

namespace Vigil.Analytics.Tests.Metrics;

/// <summary>Deterministic test series: a level, an optional daily sine, seeded noise and edits.</summary>
internal sealed class SeriesBuilder(int count, TimeSpan interval)
{
    public static readonly DateTime Start = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly double[] _values = new double[count];

    public SeriesBuilder Level(double level)
    {
        for (var i = 0; i < count; i++)
        {
            _values[i] += level;
        }
        return this;
    }

    public SeriesBuilder Daily(double amplitude)
    {
        var perDay = TimeSpan.FromDays(1) / interval;
        for (var i = 0; i < count; i++)
        {
            _values[i] += amplitude * Math.Sin(2 * Math.PI * i / perDay);
        }
        return this;
    }

    public SeriesBuilder Noise(double amplitude, int seed = 1)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            _values[i] += amplitude * (random.NextDouble() - 0.5);
        }
        return this;
    }

    public SeriesBuilder Set(int index, double value)
    {
        _values[index] = value;
        return this;
    }

    public SeriesBuilder ShiftFrom(int index, double delta)
    {
        for (var i = index; i < count; i++)
        {
            _values[i] += delta;
        }
        return this;
    }

    public MetricSeries Build() => new([.. Enumerable.Range(0, count).Select(i => Start + (interval * i))], (double[])_values.Clone());
}
