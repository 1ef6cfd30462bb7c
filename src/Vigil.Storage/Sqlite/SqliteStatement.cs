using Microsoft.Data.Sqlite;

namespace Vigil.Storage.Sqlite;

/// <summary>
/// A reusable command whose parameters are found from the SQL text in order of appearance, so each call site
/// binds positionally without repeating the names. Microsoft.Data.Sqlite keeps the compiled statement on the
/// command as long as its text and connection stay the same.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly SqliteCommand _command;
    private readonly SqliteParameter[] _parameters;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _command = connection.CreateCommand();
        _command.CommandText = sql;
        var names = System.Text.RegularExpressions.Regex.Matches(sql, @"@[a-z_]+").Select(m => m.Value).Distinct().ToArray();
        // No fixed SqliteType: each value binds as what it is (text, integer or null).
        _parameters = names.Select(n => _command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
    }

    /// <summary>Runs the statement; returns the number of rows it changed.</summary>
    public int Run(SqliteTransaction tx, params ReadOnlySpan<object> values)
    {
        Bind(tx, values);
        return _command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row, or null when there is no row (or the value is NULL).</summary>
    public object? Scalar(SqliteTransaction tx, params ReadOnlySpan<object> values)
    {
        Bind(tx, values);
        return _command.ExecuteScalar() is { } value and not DBNull ? value : null;
    }

    private void Bind(SqliteTransaction tx, ReadOnlySpan<object> values)
    {
        if (values.Length != _parameters.Length)
        {
            throw new InvalidOperationException($"statement takes {_parameters.Length} values, got {values.Length}");
        }
        for (var i = 0; i < values.Length; i++)
        {
            _parameters[i].Value = values[i];
        }
        _command.Transaction = tx;
    }

    public void Dispose() => _command.Dispose();
}
