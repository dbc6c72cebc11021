using System.Text.RegularExpressions;
using Npgsql;

namespace SharpVL.Search;

/// <summary>
/// A PostgreSQL index address: a URL <c>postgresql://user:password@host:port/database?schema=sharpvl&amp;sslmode=require</c>
/// or an Npgsql connection string (<c>Host=...;Schema=...</c>). <c>schema</c> names the schema that holds the index's
/// tables (default <c>sharpvl</c>), so several indexes can share a database.
/// </summary>
public sealed partial record PostgresAddress(string ConnectionString, string Schema, string DisplayName)
{
    /// <summary>The schema used when the address names none.</summary>
    public const string DefaultSchema = "sharpvl";

    private static readonly Dictionary<string, string> UrlKeywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["max_pool_size"] = "Maximum Pool Size",
        ["pooling"] = "Pooling",
        ["connect_timeout"] = "Timeout",
        ["command_timeout"] = "Command Timeout",
        ["application_name"] = "Application Name",
    };

    /// <summary>Parses a URL or connection string.</summary>
    /// <exception cref="SearchIndexException">Malformed address, unknown parameter or a schema name that is not a plain identifier.</exception>
    public static PostgresAddress Parse(string address)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var builder = new NpgsqlConnectionStringBuilder();
        string schema = DefaultSchema;
        try
        {
            if (address.Contains("://", StringComparison.Ordinal))
            {
                var uri = new Uri(address);
                builder.Host = uri.Host;
                builder.Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port;
                var user = uri.UserInfo.Split(':', 2);
                if (user[0].Length > 0)
                {
                    builder.Username = Uri.UnescapeDataString(user[0]);
                }
                if (user.Length == 2)
                {
                    builder.Password = Uri.UnescapeDataString(user[1]);
                }
                var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
                builder.Database = database.Length > 0 ? database : "postgres";
                foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
                {
                    var kv = pair.Split('=', 2);
                    var key = Uri.UnescapeDataString(kv[0]);
                    var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
                    if (key.Equals("schema", StringComparison.OrdinalIgnoreCase))
                    {
                        schema = value;
                    }
                    else
                    {
                        builder[UrlKeywords.GetValueOrDefault(key, key)] = value;
                    }
                }
            }
            else
            {
                foreach (var part in address.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var kv = part.Split('=', 2);
                    if (kv[0].Equals("Schema", StringComparison.OrdinalIgnoreCase))
                    {
                        schema = kv.Length == 2 ? kv[1] : "";
                    }
                    else
                    {
                        builder[kv[0]] = kv.Length == 2 ? kv[1] : "";
                    }
                }
            }
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new SearchIndexException($"'{Redact(address)}' is not a usable PostgreSQL address: {e.Message}", Redact(address), e);
        }
        if (!Identifier().IsMatch(schema))
        {
            throw new SearchIndexException($"Schema '{schema}' must be a plain lower-case identifier (letters, digits, underscores).", Redact(address));
        }
        var display = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}?schema={schema}";
        return new PostgresAddress(builder.ConnectionString, schema, display);
    }

    private static string Redact(string address) => PasswordPart().Replace(address, "$1***@");

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Identifier();

    [GeneratedRegex("(://[^:/@]*):[^@]*@")]
    private static partial Regex PasswordPart();
}
