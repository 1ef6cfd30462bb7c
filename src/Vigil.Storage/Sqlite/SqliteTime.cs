namespace Vigil.Storage.Sqlite;

/// <summary>
/// SQLite timestamps: 100 ns ticks since the Unix epoch, UTC, as INTEGER. Exact for every DateTimeOffset (the offset
/// itself is not kept: all of Vigil's times are instants, and DateTimeOffset equality compares instants).
/// </summary>
internal static class SqliteTime
{
    private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    public static long ToTicks(DateTimeOffset value) => value.UtcTicks - EpochTicks;

    public static object ToTicks(DateTimeOffset? value) => value is { } v ? ToTicks(v) : DBNull.Value;

    public static DateTimeOffset FromTicks(long ticks) => new(ticks + EpochTicks, TimeSpan.Zero);
}
