namespace Vigil.Analytics.Logs;

/// <summary>
/// A bounded memo of what <see cref="LineTokens.Split"/> and <see cref="LineTokens.SkeletonKey"/> (and, ahead of them,
/// the built-in masks) make of a text, keyed by the exact text. Once a source's own masks have replaced its variables,
/// most lines of a log repeat one another exactly ("Receiving block &lt;*&gt; src: /&lt;*&gt; dest: /&lt;*&gt;"), so
/// the built-in masks and the word split — pure functions of that text — run once per distinct text instead of once
/// per line. A hit yields exactly what the work would have, so mining results do not depend on the cache.
/// </summary>
/// <remarks>
/// Direct-mapped (one slot per hash bucket, a new text overwrites), preallocated per slot and grown only for a longer
/// text: no allocation per line, memory bounded by <see cref="Slots"/> × <see cref="MaxTextLength"/>. A text is kept
/// the second time it is seen (a table of fingerprints remembers the first), so a text that never repeats costs a hash
/// and two probes, not a copy, and does not push out one that does. Not thread-safe; <see cref="LogMiner"/> uses it
/// under its lock.
/// </remarks>
internal sealed class TokenizedLineCache
{
    /// <summary>Slots (a power of two): far more than the distinct masked shapes a source repeats.</summary>
    internal const int Slots = 1024;

    /// <summary>Longer texts are not cached (they rarely repeat, and the memory stays bounded).</summary>
    internal const int MaxTextLength = 512;

    /// <summary>Fingerprints of texts seen once (a power of two).</summary>
    private const int SeenSlots = 4096;

    private readonly Entry?[] _entries = new Entry?[Slots];
    private readonly uint[] _seen = new uint[SeenSlots];

    /// <summary>One cached text and its tokenisation: the canonical words back to back, their slices, the skeleton key.</summary>
    internal sealed class Entry
    {
        public char[] Text = [];
        public int TextLength = -1;
        public char[] Canonical = [];
        public TokenSlice[] Tokens = [];
        public int TokenCount;
        public ulong Key;

        /// <summary>
        /// The template the miner's skeleton cache gave this text, valid while the skeleton cache is unchanged
        /// (<see cref="SkeletonsVersion"/>): the miner then skips the skeleton lookup and the word check.
        /// </summary>
        public TemplateState? Template;

        public long SkeletonsVersion = -1;
    }

    /// <summary>
    /// The entry for exactly <paramref name="text"/>, or null; <paramref name="probe"/> (never negative) says where to
    /// store it.
    /// </summary>
    public Entry? Find(ReadOnlySpan<char> text, out long probe)
    {
        var hash = HashOf(text);
        var slot = (int)(hash >> 40) & (Slots - 1);
        probe = ((long)((uint)hash >> 1 | 1) << 32) | (uint)slot;
        var entry = _entries[slot];
        return entry is not null && entry.TextLength == text.Length && text.SequenceEqual(entry.Text.AsSpan(0, text.Length)) ? entry : null;
    }

    /// <summary>
    /// A text's hash (its slot and its fingerprint): multiply-rotate over four independent lanes of four chars each, a
    /// quarter of the serial multiply chain of <see cref="LineTokens.WordHash"/>. A collision costs only a miss or an
    /// early copy: a hit is always confirmed by comparing the text.
    /// </summary>
    private static ulong HashOf(ReadOnlySpan<char> text)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15UL;
        var chunks = System.Runtime.InteropServices.MemoryMarshal.Cast<char, ulong>(text);
        ulong a = (ulong)text.Length, b = 1, c = 2, d = 3;
        var i = 0;
        for (; i + 4 <= chunks.Length; i += 4)
        {
            a = System.Numerics.BitOperations.RotateLeft((a ^ chunks[i]) * Multiplier, 29);
            b = System.Numerics.BitOperations.RotateLeft((b ^ chunks[i + 1]) * Multiplier, 29);
            c = System.Numerics.BitOperations.RotateLeft((c ^ chunks[i + 2]) * Multiplier, 29);
            d = System.Numerics.BitOperations.RotateLeft((d ^ chunks[i + 3]) * Multiplier, 29);
        }
        for (; i < chunks.Length; i++)
        {
            a = System.Numerics.BitOperations.RotateLeft((a ^ chunks[i]) * Multiplier, 29);
        }
        for (var k = chunks.Length * 4; k < text.Length; k++)
        {
            b = (b ^ text[k]) * Multiplier;
        }
        return (a ^ System.Numerics.BitOperations.RotateLeft(b, 17) ^ System.Numerics.BitOperations.RotateLeft(c, 31) ^ System.Numerics.BitOperations.RotateLeft(d, 47)) * Multiplier;
    }

    /// <summary>
    /// Remembers the tokenisation of <paramref name="text"/> where <see cref="Find"/>'s <paramref name="probe"/> says;
    /// returns the entry, or null for a text seen for the first time or too long to keep.
    /// </summary>
    public Entry? Store(long probe, ReadOnlySpan<char> text, ReadOnlySpan<char> canonical, ReadOnlySpan<TokenSlice> tokens, ulong key)
    {
        var fingerprint = (uint)(probe >> 32);
        ref var seen = ref _seen[fingerprint & (SeenSlots - 1)];
        if (seen != fingerprint || text.Length > MaxTextLength)
        {
            seen = fingerprint;
            return null;
        }
        var slot = (int)(probe & (Slots - 1));
        var entry = _entries[slot] ??= new Entry();
        var used = tokens.Length == 0 ? 0 : tokens[^1].Start + tokens[^1].Length;
        if (entry.Text.Length < text.Length)
        {
            entry.Text = new char[Math.Max(text.Length, 64)];
        }
        if (entry.Canonical.Length < used)
        {
            entry.Canonical = new char[Math.Max(used, 64)];
        }
        if (entry.Tokens.Length < tokens.Length)
        {
            entry.Tokens = new TokenSlice[Math.Max(tokens.Length, 16)];
        }
        text.CopyTo(entry.Text);
        entry.TextLength = text.Length;
        canonical[..used].CopyTo(entry.Canonical);
        tokens.CopyTo(entry.Tokens);
        entry.TokenCount = tokens.Length;
        entry.Key = key;
        entry.Template = null;
        entry.SkeletonsVersion = -1;
        return entry;
    }
}
