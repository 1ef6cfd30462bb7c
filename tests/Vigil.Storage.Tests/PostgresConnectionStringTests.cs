using Npgsql;
using Vigil.Storage.Postgres;

namespace Vigil.Storage.Tests;

public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void A_url_becomes_an_npgsql_connection_string()
    {
        var b = new NpgsqlConnectionStringBuilder(
            PostgresConnectionString.Normalize("postgres://vigil:p%40ss%3Aword@db.example:6543/vigil_prod?sslmode=require&application_name=vigil"));

        Assert.Equal("db.example", b.Host);
        Assert.Equal(6543, b.Port);
        Assert.Equal("vigil", b.Username);
        Assert.Equal("p@ss:word", b.Password);
        Assert.Equal("vigil_prod", b.Database);
        Assert.Equal(SslMode.Require, b.SslMode);
        Assert.Equal("vigil", b.ApplicationName);
    }

    [Fact]
    public void A_postgresql_url_without_port_or_password_uses_defaults()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize("postgresql://admin@localhost/vigil"));

        Assert.Equal("localhost", b.Host);
        Assert.Equal(5432, b.Port);
        Assert.Equal("admin", b.Username);
        Assert.Null(b.Password);
        Assert.Equal("vigil", b.Database);
    }

    [Fact]
    public void A_keyword_connection_string_is_kept()
    {
        var b = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Normalize("Host=pg;Port=5433;Username=u;Password=p;Database=d"));

        Assert.Equal(("pg", 5433, "u", "p", "d"), (b.Host, b.Port, b.Username, b.Password, b.Database));
    }

    [Theory]
    [InlineData("Hots=pg")]
    [InlineData("postgres://u@h/d?nonsense=1")]
    public void Invalid_settings_are_rejected_up_front(string database) =>
        Assert.ThrowsAny<ArgumentException>(() => PostgresConnectionString.Normalize(database));
}
