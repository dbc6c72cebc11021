namespace SharpVL.Hub;

/// <summary>
/// Where and how SharpVL talks to the Hugging Face Hub. <see cref="FromEnvironment(Func{string, string?}?)"/> reads the
/// same environment variables as Python's <c>huggingface_hub</c> so both sides share one cache and one token;
/// every value can then be overridden with a <c>with</c> expression or an object initializer.
/// </summary>
public sealed record HubSettings
{
    /// <summary>The public Hub, used when <c>HF_ENDPOINT</c> is not set.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Base URL of the Hub (no trailing slash), e.g. <c>https://huggingface.co</c> or a mirror.</summary>
    public string Endpoint { get; init; } = DefaultEndpoint;

    /// <summary>Hugging Face home folder (<c>HF_HOME</c>); holds the token file and, by default, the hub cache.</summary>
    public string HomeDirectory { get; init; } = DefaultHome(static _ => null);

    /// <summary>Root of the model cache (<c>HF_HUB_CACHE</c>), shared with Python's <c>huggingface_hub</c>.</summary>
    public string CacheDirectory { get; init; } = Path.Combine(DefaultHome(static _ => null), "hub");

    /// <summary>Access token sent as <c>Authorization: Bearer</c> to the Hub; <c>null</c> for anonymous access.</summary>
    public string? Token { get; init; }

    /// <summary>When true (<c>HF_HUB_OFFLINE=1</c>) no request is made and files come from the cache only.</summary>
    public bool Offline { get; init; }

    /// <summary>Time allowed for the metadata (HEAD) request before the Hub is treated as unreachable (<c>HF_HUB_ETAG_TIMEOUT</c>).</summary>
    public TimeSpan MetadataTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for the next bytes of a download before the connection counts as broken (<c>HF_HUB_DOWNLOAD_TIMEOUT</c>).</summary>
    public TimeSpan DownloadTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Overall stall deadline of a download: it fails when fewer than <see cref="StallMinimumBytes"/> arrive within this
    /// time (across resumed attempts), so a server that trickles bytes slowly enough to dodge <see cref="DownloadTimeout"/>
    /// cannot hold a download forever.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Bytes that must arrive within each <see cref="StallTimeout"/> for a download to count as progressing.</summary>
    public long StallMinimumBytes { get; init; } = 64 << 10;

    /// <summary>How many times a download that breaks mid-body is resumed (with an HTTP range request) before giving up.</summary>
    public int MaxResumeAttempts { get; init; } = 5;

    /// <summary>Pause before resuming a broken download; lets a flaky connection recover.</summary>
    public TimeSpan ResumeDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Builds settings from environment variables the way <c>huggingface_hub/constants.py</c> does:
    /// <c>HF_ENDPOINT</c>, <c>HF_HOME</c> (else <c>$XDG_CACHE_HOME/huggingface</c>, else <c>~/.cache/huggingface</c>),
    /// <c>HF_HUB_CACHE</c> (else legacy <c>HUGGINGFACE_HUB_CACHE</c>, else <c>$HF_HOME/hub</c>),
    /// <c>HF_TOKEN</c> (else legacy <c>HUGGING_FACE_HUB_TOKEN</c>, else the file <c>HF_TOKEN_PATH</c> or <c>$HF_HOME/token</c>),
    /// <c>HF_HUB_OFFLINE</c> (or <c>TRANSFORMERS_OFFLINE</c>; 1/true/yes/on), <c>HF_HUB_ETAG_TIMEOUT</c> and
    /// <c>HF_HUB_DOWNLOAD_TIMEOUT</c> (seconds).
    /// </summary>
    /// <param name="environment">Variable lookup; defaults to the process environment. Tests inject a dictionary here.</param>
    public static HubSettings FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? Get(string name)
        {
            var value = environment(name);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        var home = Get("HF_HOME") is { } hfHome ? ExpandUser(hfHome) : DefaultHome(environment);
        var cache = Get("HF_HUB_CACHE") ?? Get("HUGGINGFACE_HUB_CACHE");
        var tokenPath = Get("HF_TOKEN_PATH") is { } customTokenPath
            ? ExpandUser(customTokenPath)
            : Path.Combine(home, "token");
        return new HubSettings
        {
            Endpoint = (Get("HF_ENDPOINT") ?? DefaultEndpoint).TrimEnd('/'),
            HomeDirectory = home,
            CacheDirectory = cache is null ? Path.Combine(home, "hub") : ExpandUser(cache),
            Token = NormalizeToken(Get("HF_TOKEN") ?? Get("HUGGING_FACE_HUB_TOKEN")) ?? ReadTokenFile(tokenPath),
            Offline = IsTrue(Get("HF_HUB_OFFLINE") ?? Get("TRANSFORMERS_OFFLINE")),
            MetadataTimeout = ParseSeconds(Get("HF_HUB_ETAG_TIMEOUT"), "HF_HUB_ETAG_TIMEOUT") ?? TimeSpan.FromSeconds(10),
            DownloadTimeout = ParseSeconds(Get("HF_HUB_DOWNLOAD_TIMEOUT"), "HF_HUB_DOWNLOAD_TIMEOUT") ?? TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>Interprets a boolean environment value like <c>huggingface_hub</c> (1, ON, YES, TRUE; case-insensitive).</summary>
    public static bool IsTrue(string? value) =>
        value is not null && value.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    // Records print every property; a token must never reach logs or exception messages.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Endpoint = {Endpoint}, HomeDirectory = {HomeDirectory}, CacheDirectory = {CacheDirectory}, ");
        builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"Token = {(Token is null ? "(none)" : "(set)")}, Offline = {Offline}");
        return true;
    }

    private static string DefaultHome(Func<string, string?> environment)
    {
        var xdg = environment("XDG_CACHE_HOME");
        var cacheRoot = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : ExpandUser(xdg);
        return Path.Combine(cacheRoot, "huggingface");
    }

    private static string ExpandUser(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return path.Length == 1 ? profile : Path.Combine(profile, path[2..]);
        }

        return path;
    }

    private static string? ReadTokenFile(string path)
    {
        try
        {
            return File.Exists(path) ? NormalizeToken(File.ReadAllText(path)) : null;
        }
        catch (IOException)
        {
            // An unreadable token file means anonymous access, as in huggingface_hub.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? NormalizeToken(string? token)
    {
        var trimmed = token?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }

    private static TimeSpan? ParseSeconds(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        if (!double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
        {
            throw new ArgumentException($"Environment variable {name}='{value}' is not a positive number of seconds.", nameof(value));
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
