using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Vigil.Analytics.Metrics.Art;

/// <summary>
/// Dual-vigilance fuzzy ART (DVFA, da Silva et al. 2019) as ARTime uses it: a category is a box in the
/// complement-coded feature space. A sample resonates with every category whose match reaches the upper vigilance
/// (each then shrinks to include it), joins the best category's cluster as a new category when the best match only
/// reaches the lower vigilance, and otherwise founds a new cluster — the event ARTime reports. Weights live in one
/// flat array; past <c>maxCategories</c> the category that resonated least recently is dropped, so memory is bounded.
/// </summary>
/// <remarks>
/// Weights and the coded sample are single precision: they are features in [0, 1] compared with vigilances near
/// 0.8–0.99, where float's 7 digits are far finer than any decision the ART makes, and the weights were most of a
/// series' ART memory (256 categories × 32 doubles = 64 KB). A float vector also holds twice the lanes, so a
/// category's overlap takes half the vector operations. Everything computed from them (sizes, similarities, matches)
/// is double.
/// </remarks>
internal sealed class DualVigilanceArt
{
    /// <summary>Features per sample; complement coding doubles them.</summary>
    public const int Features = 16;

    private const int Dimension = 2 * Features;

    private readonly int _maxCategories;
    private float[] _weights;
    private double[] _sizes;      // |W|₁ of each category, kept with its weights
    private double[] _heldCubes;  // each category's similarity³ to a sample its box holds (see Match)
    private float[] _levelLow;    // the current-level feature's weight and its complement's, by category: the energy
    private float[] _levelHigh;   // similarity reads only these, and a compact copy keeps its scan in a few cache lines
    private long[] _lastUsed;
    private int[] _resonant;      // the categories whose match reached the upper vigilance (filled by Activate)
    private bool[] _holds;        // whether each of them already holds the sample (learning it changes nothing)
    private int _resonantCount;
    private int _count;
    private long _presented;

    // The last activation, reused while nothing it depends on changed (see Train).
    private readonly float[] _lastCoded = new float[Dimension];

    // The sample being presented, coded (scratch). A field, not a stackalloc: the runtime compiles a method with a
    // stackalloc fully optimised at once, skipping the profile-guided tier (which then inlines Activate into Train).
    private readonly float[] _coded = new float[Dimension];
    private (int Best, double Match, double Energy, bool AnyNaN) _lastActivation;
    private (double Low, double High) _lastVigilances = (double.NaN, double.NaN);
    private bool _activationValid;

    public DualVigilanceArt(int maxCategories = int.MaxValue)
    {
        _maxCategories = maxCategories;
        var capacity = (int)Math.Min(16L, maxCategories + 1L);
        _weights = new float[capacity * Dimension];
        _sizes = new double[capacity];
        _heldCubes = new double[capacity];
        _levelLow = new float[capacity];
        _levelHigh = new float[capacity];
        _lastUsed = new long[capacity];
        _resonant = new int[capacity];
        _holds = new bool[capacity];
    }

    public double RhoLow { get; set; }

    public double RhoHigh { get; set; }

    public int Categories => _count;

    /// <summary>
    /// Presents one sample (features in [0, 1]). Returns whether it resonated (false: a new cluster was founded, or
    /// nothing was learned), the best match (ARTime's similarity) and that category's energy similarity (the match of
    /// the last feature, the current level, alone).
    /// </summary>
    public (bool Resonated, double Similarity, double Energy) Train(ReadOnlySpan<double> sample, bool learning = true)
    {
        _presented++;
        Span<float> coded = _coded;
        if (_count == 0)
        {
            // The first sample only creates an all-ones category; it is not learned (as in AdaptiveResonance.jl).
            coded.Fill(1f);
            AddCategory(coded);
            return (true, 0.0, 0.0);
        }
        for (var k = 0; k < Features; k++)
        {
            coded[k] = (float)sample[k];
            coded[Features + k] = (float)(1.0 - sample[k]);
        }
        // On NAB's files 44 % of samples are coded exactly (bit for bit) as the one before — a flat stretch — while no
        // category and neither vigilance changed since: the activation, a pure function of those, is the one before
        // (the resonant categories are still in _resonant), and the scan over every category is skipped.
        if (!(_activationValid && MemoryMarshal.AsBytes(coded).SequenceEqual(MemoryMarshal.AsBytes(_lastCoded.AsSpan())) && _lastVigilances == (RhoLow, RhoHigh)))
        {
            _lastActivation = Activate(coded);
            coded.CopyTo(_lastCoded);
            (_lastVigilances, _activationValid) = ((RhoLow, RhoHigh), true);
        }
        var (best, bestMatch, energy, anyNaN) = _lastActivation;
        if (anyNaN && learning)
        {
            // Julia orders NaN before every number in a descending sort, so the search stops at once: a mismatch.
            AddCategory(coded);
            return (false, 0.0, 0.0);
        }
        if (!learning)
        {
            return (false, bestMatch, energy);
        }
        // Locals, not fields: a step can resonate with ~90 categories (white noise), and the JIT re-read every field
        // after each store to _lastUsed. Shrink changes no array and no count read here, and only its own category, so
        // the order does not matter: the categories that already hold the sample are marked used in a loop without a
        // call (with the call in it, the loop's locals lived on the stack), and the others (8 % on NAB's files, fewer
        // on noise) are shrunk after.
        var resonant = _resonant.AsSpan(0, _resonantCount);
        var holds = _holds.AsSpan(0, _resonantCount);
        var (lastUsed, presented, shrinking) = (_lastUsed, _presented, 0);
        for (var r = 0; r < resonant.Length; r++)
        {
            if (holds[r])
            {
                lastUsed[resonant[r]] = presented;
            }
            else
            {
                shrinking++;
            }
        }
        for (var r = 0; r < resonant.Length && shrinking > 0; r++)
        {
            if (!holds[r])
            {
                Shrink(resonant[r], coded);
                shrinking--;
            }
        }
        var resonated = _resonantCount > 0;
        if (!resonated)
        {
            resonated = best >= 0 && bestMatch >= RhoLow;
            AddCategory(coded);
        }
        return (resonated, bestMatch, energy);
    }

    /// <summary>Match <c>(|min(x, W)|₁ / |W|₁)³ · energy²</c> of every category; the best is the first of the highest
    /// (its energy similarity is returned with it; 0 when no category matches at all).</summary>
    private (int Best, double Match, double Energy, bool AnyNaN) Activate(ReadOnlySpan<float> coded)
    {
        var scan = new Scan { Coded = coded, Weights = _weights.AsSpan(0, _count * Dimension), Best = -1 };
        var (level, complement) = (coded[Features - 1], coded[Dimension - 1]);
        var j = 0;
        if (Vector128.IsHardwareAccelerated && _count <= _levelLow.Length && _count <= _levelHigh.Length)
        {
            // The energy bound of a block of categories at once; a block none of which can matter is skipped whole
            // (MinNative: see Overlap). The energies are single precision (the same operations as the scalar loop
            // below, so the same values) and Match judges their bound in double; a block is skipped only when every
            // bound is below the float-rounded lines by a margin far above float's rounding error. Four categories a
            // block, as with doubles: eight (a wider block is skipped less often) measured no better.
            const float Margin = 1f - 1e-5f;
            var (levels, complements, vigilance) = (Vector128.Create(level), Vector128.Create(complement), Vector128.Create((float)RhoHigh * Margin));
            ref var lows = ref MemoryMarshal.GetArrayDataReference(_levelLow);
            ref var highs = ref MemoryMarshal.GetArrayDataReference(_levelHigh);
            for (; j + Vector128<float>.Count <= _count; j += Vector128<float>.Count)
            {
                var (low, high) = (Vector128.LoadUnsafe(in lows, (nuint)j), Vector128.LoadUnsafe(in highs, (nuint)j));
                var energy = (Vector128.MinNative(levels, low) + Vector128.MinNative(complements, high)) / (low + high);
                var bound = energy * energy;
                if (Vector128.LessThanAll(bound, vigilance) && Vector128.LessThanOrEqualAll(bound, Vector128.Create((float)scan.BestMatch * Margin)))
                {
                    continue;
                }
                // Lane by lane with constant indices: a loop's variable index spilled the vector to the stack and read
                // each lane back from it.
                Match(j, energy.GetElement(0), ref scan);
                Match(j + 1, energy.GetElement(1), ref scan);
                Match(j + 2, energy.GetElement(2), ref scan);
                Match(j + 3, energy.GetElement(3), ref scan);
            }
        }
        for (; j < _count; j++)
        {
            var (low, high) = (_levelLow[j], _levelHigh[j]);
            var energy = (MathF.Min(level, low) + MathF.Min(complement, high)) / (low + high);
            Match(j, energy, ref scan);
        }
        _resonantCount = scan.ResonantCount;
        return (scan.Best, scan.BestMatch, scan.BestEnergy, scan.AnyNaN);
    }

    /// <summary>A scan of the categories: the sample, the weights, the resonant categories counted so far and the best
    /// match. Locals, not fields: the JIT re-read every field for every category (~110 a step on white noise).</summary>
    private ref struct Scan
    {
        public ReadOnlySpan<float> Coded;
        public ReadOnlySpan<float> Weights;
        public int ResonantCount;
        public int Best;
        public double BestMatch;
        public double BestEnergy;
        public bool AnyNaN;
    }

    // Inlined into Activate's scans (the JIT stopped doing so on its own once the held-box test made it longer, and
    // the calls cost real series ~5 %).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Match(int j, double energy, ref Scan scan)
    {
        // The feature similarity is at most 1, so the match is at most energy²: a category whose energy alone cannot
        // reach the upper vigilance or beat the best so far cannot resonate or be the best (exact, and it skips most
        // categories: they hold other levels).
        var bound = energy * energy;
        if (bound < RhoHigh && bound <= scan.BestMatch)
        {
            return;
        }
        // A box that holds the sample (x ≥ W in every coded feature) overlaps it by its own weights, min(x, W) = W, so
        // its similarity is a property of the category, kept with its weights: on white noise nearly every category
        // evaluated holds the sample (a step there resonates with ~90), and the test is cheaper than the overlap.
        // Such a box holds the current level too, so its energy is 1 (or NaN, for a box spanning every level): the
        // energy rules out most of the others on real series without the test.
        var weight = scan.Weights.Slice(j * Dimension, Dimension);
        var holds = !(energy < 1.0) && Holds(scan.Coded, weight);
        double match;
        if (holds)
        {
            match = _heldCubes[j] * bound;
        }
        else
        {
            var similarity = Overlap(scan.Coded, weight) / (_sizes[j] == 0 ? 0.001 : _sizes[j]);
            match = similarity * similarity * similarity * bound;
        }
        if (match >= RhoHigh)
        {
            _holds[scan.ResonantCount] = holds; // then learning it changes nothing (see Train)
            _resonant[scan.ResonantCount++] = j;
        }
        if (double.IsNaN(match))
        {
            scan.AnyNaN = true;
        }
        else if (match > scan.BestMatch)
        {
            (scan.Best, scan.BestMatch, scan.BestEnergy) = (j, match, energy);
        }
    }

    private static double Overlap(ReadOnlySpan<float> x, ReadOnlySpan<float> w)
    {
        if (Vector.IsHardwareAccelerated && Vector<float>.Count <= Dimension && x.Length >= Dimension && w.Length >= Dimension)
        {
            // Unchecked loads (both lengths checked above): the bounds checks of sliced spans were a measurable share
            // of the hottest loop. MinNative is one instruction where Min is three; they differ only when the first
            // operand is NaN or −0, and the coded sample never is (finite levels and min-max normalised values, see
            // ArtimeDetector); a weight, the second operand, comes back as it is either way.
            ref var xs = ref MemoryMarshal.GetReference(x);
            ref var ws = ref MemoryMarshal.GetReference(w);
            if (Vector<float>.Count == 8)
            {
                // Summed as a tree, not one running total: dependent additions were the critical path (on NAB's files
                // a step evaluates ~60 categories in full).
                var a = Vector.MinNative(Vector.LoadUnsafe(in xs, 0), Vector.LoadUnsafe(in ws, 0)) + Vector.MinNative(Vector.LoadUnsafe(in xs, 8), Vector.LoadUnsafe(in ws, 8));
                var b = Vector.MinNative(Vector.LoadUnsafe(in xs, 16), Vector.LoadUnsafe(in ws, 16)) + Vector.MinNative(Vector.LoadUnsafe(in xs, 24), Vector.LoadUnsafe(in ws, 24));
                return Vector.Sum(a + b);
            }
            var sum = Vector<float>.Zero;
            for (nuint k = 0; k < Dimension; k += (nuint)Vector<float>.Count)
            {
                sum += Vector.MinNative(Vector.LoadUnsafe(in xs, k), Vector.LoadUnsafe(in ws, k));
            }
            return Vector.Sum(sum);
        }
        var total = 0.0;
        for (var k = 0; k < Dimension; k++)
        {
            total += Math.Min(x[k], w[k]);
        }
        return total;
    }

    /// <summary>Category <paramref name="j"/>'s similarity cubed, as Match computes it, for a sample its box holds:
    /// then the overlap is the weights' own (the same vector operations on the same values, so the same bits).</summary>
    private double HeldCube(int j)
    {
        var weight = _weights.AsSpan(j * Dimension, Dimension);
        var similarity = Overlap(weight, weight) / (_sizes[j] == 0 ? 0.001 : _sizes[j]);
        return similarity * similarity * similarity;
    }

    /// <summary>Fast learning: the category's box grows to include the sample (<c>W ← min(x, W)</c>), which it does
    /// not hold yet (see <see cref="Holds"/>).</summary>
    private void Shrink(int j, ReadOnlySpan<float> coded)
    {
        _lastUsed[j] = _presented;
        var weight = _weights.AsSpan(j * Dimension, Dimension);
        _activationValid = false;
        var size = 0.0;
        for (var k = 0; k < Dimension; k++)
        {
            weight[k] = MathF.Min(coded[k], weight[k]);
            size += weight[k];
        }
        (_sizes[j], _levelLow[j], _levelHigh[j]) = (size, weight[Features - 1], weight[Dimension - 1]);
        _heldCubes[j] = HeldCube(j);
    }

    /// <summary>Whether the sample already lies in the category's box (<c>x ≥ W</c> in every coded feature): a
    /// resonating category usually holds it already (92% of the time on the NAB files; a step can resonate with ~90),
    /// and then learning changes nothing.</summary>
    private static bool Holds(ReadOnlySpan<float> coded, ReadOnlySpan<float> weight)
    {
        if (Vector.IsHardwareAccelerated && Vector<float>.Count <= Dimension && coded.Length >= Dimension && weight.Length >= Dimension)
        {
            ref var xs = ref MemoryMarshal.GetReference(coded);
            ref var ws = ref MemoryMarshal.GetReference(weight);
            if (Vector<float>.Count == 8)
            {
                // One test, not one per vector: where the first difference lies is unpredictable on real series.
                var holds = Vector.GreaterThanOrEqual(Vector.LoadUnsafe(in xs, 0), Vector.LoadUnsafe(in ws, 0))
                    & Vector.GreaterThanOrEqual(Vector.LoadUnsafe(in xs, 8), Vector.LoadUnsafe(in ws, 8))
                    & Vector.GreaterThanOrEqual(Vector.LoadUnsafe(in xs, 16), Vector.LoadUnsafe(in ws, 16))
                    & Vector.GreaterThanOrEqual(Vector.LoadUnsafe(in xs, 24), Vector.LoadUnsafe(in ws, 24));
                return Vector.EqualsAll(holds, Vector<int>.AllBitsSet);
            }
            for (nuint k = 0; k < Dimension; k += (nuint)Vector<float>.Count)
            {
                if (!Vector.GreaterThanOrEqualAll(Vector.LoadUnsafe(in xs, k), Vector.LoadUnsafe(in ws, k)))
                {
                    return false;
                }
            }
            return true;
        }
        for (var k = 0; k < Dimension; k++)
        {
            if (!(coded[k] >= weight[k]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Adds a category; past the limit the one that resonated least recently goes.</summary>
    private void AddCategory(ReadOnlySpan<float> weight)
    {
        _activationValid = false;
        if (_count == _sizes.Length)
        {
            var capacity = (int)Math.Min((long)_maxCategories + 1, 2L * _count);
            Array.Resize(ref _weights, capacity * Dimension);
            Array.Resize(ref _sizes, capacity);
            Array.Resize(ref _heldCubes, capacity);
            Array.Resize(ref _levelLow, capacity);
            Array.Resize(ref _levelHigh, capacity);
            Array.Resize(ref _lastUsed, capacity);
            Array.Resize(ref _resonant, capacity);
            Array.Resize(ref _holds, capacity);
        }
        weight.CopyTo(_weights.AsSpan(_count * Dimension, Dimension));
        var size = 0.0;
        foreach (var w in weight)
        {
            size += w;
        }
        (_sizes[_count], _lastUsed[_count]) = (size, _presented);
        (_levelLow[_count], _levelHigh[_count]) = (weight[Features - 1], weight[Dimension - 1]);
        _heldCubes[_count] = HeldCube(_count);
        _count++;
        if (_count > _maxCategories)
        {
            var oldest = 0;
            for (var j = 1; j < _count; j++)
            {
                if (_lastUsed[j] < _lastUsed[oldest])
                {
                    oldest = j;
                }
            }
            Remove(oldest);
        }
    }

    /// <summary>Removes a category, keeping the others in order (the first of equal matches wins, as in ARTime).</summary>
    private void Remove(int j)
    {
        _activationValid = false;
        var after = _count - j - 1;
        Array.Copy(_weights, (j + 1) * Dimension, _weights, j * Dimension, after * Dimension);
        Array.Copy(_sizes, j + 1, _sizes, j, after);
        Array.Copy(_heldCubes, j + 1, _heldCubes, j, after);
        Array.Copy(_levelLow, j + 1, _levelLow, j, after);
        Array.Copy(_levelHigh, j + 1, _levelHigh, j, after);
        Array.Copy(_lastUsed, j + 1, _lastUsed, j, after);
        _count--;
    }

    internal void Write(ref StateWriter writer)
    {
        writer.Write(RhoLow);
        writer.Write(RhoHigh);
        writer.Write(_presented);
        writer.Write(_weights.AsSpan(0, _count * Dimension));
        writer.Write(_lastUsed.AsSpan(0, _count));
    }

    internal static DualVigilanceArt Read(ref StateReader reader, int maxCategories)
    {
        var art = new DualVigilanceArt(maxCategories) { RhoLow = reader.ReadDouble(), RhoHigh = reader.ReadDouble() };
        art._presented = reader.ReadInt64();
        var weights = reader.ReadSingles((int)Math.Min(int.MaxValue, (long)maxCategories * Dimension));
        var lastUsed = reader.ReadLongs(maxCategories);
        if (weights.Length != lastUsed.Length * Dimension || double.IsNaN(art.RhoLow) || double.IsNaN(art.RhoHigh))
        {
            throw new FormatException("detector state: bad ART categories");
        }
        for (var j = 0; j < lastUsed.Length; j++)
        {
            art.AddCategory(weights.AsSpan(j * Dimension, Dimension));
        }
        lastUsed.CopyTo(art._lastUsed, 0);
        return art;
    }
}
