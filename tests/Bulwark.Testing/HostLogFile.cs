using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Testing;

/// <summary>
/// Writes a test host's logs to a file of its own instead of the console, and names that file in the test's output
/// (shown only when the test fails). A failing assembly otherwise prints every host's log lines on stdout and buries
/// the failure under them.
/// </summary>
public sealed class HostLogFile : ILoggerProvider
{
    /// <summary>Command-line arguments that keep a host's console logger silent (its lines go to the file instead).</summary>
    public static readonly IReadOnlyList<string> ConsoleOff = ["--Logging:Console:LogLevel:Default=None"];

    // Files of earlier runs are pruned once per test process; a day is long enough to read a failed run's logs.
    private static readonly Lazy<bool> Pruned = new(PruneOldFiles);

    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();
    private bool _disposed;

    private HostLogFile(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // Flushed per line: a crashed or hung test host still leaves everything it logged.
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(false)) { AutoFlush = true };
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>The folder every test host's log file goes to: <c>bulwark-test-logs</c> in the temp folder.</summary>
    public static string Folder => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bulwark-test-logs");

    /// <summary>Creates a file for <paramref name="host"/> in the running test, named after the test.</summary>
    /// <param name="host">Which host of the test (for example <c>shop</c>, <c>payments</c>).</param>
    /// <returns>The provider; add it to the host's logging and dispose it after the host.</returns>
    public static HostLogFile ForCurrentTest(string host)
    {
        _ = Pruned.Value;
        var test = TestContext.Current.Test?.TestDisplayName ?? "no-test";
        var name = new StringBuilder();
        foreach (var c in test.Length > 100 ? test[..100] : test)
        {
            name.Append(char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        var file = new HostLogFile(System.IO.Path.Combine(Folder, $"{name}.{host}.{Guid.NewGuid().ToString("N")[..8]}.log"));
        TestContext.Current.TestOutputHelper?.WriteLine($"{host} logs: {file.Path}");
        return file;
    }

    /// <summary>
    /// Sends the logs of an already built <paramref name="app"/> to a file for the running test (closed when the app
    /// stops). Build the app with <see cref="ConsoleOff"/> among its arguments so its console stays quiet.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="host">Which host of the test, for the file name.</param>
    /// <returns>The app.</returns>
    public static WebApplication LogToFile(WebApplication app, string host)
    {
        ArgumentNullException.ThrowIfNull(app);
        var file = ForCurrentTest(host);
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(file);
        app.Lifetime.ApplicationStopped.Register(file.Dispose);
        return app;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private static bool PruneOldFiles()
    {
        if (!Directory.Exists(Folder))
        {
            return true;
        }

        var cutoff = TimeProvider.System.GetUtcNow().UtcDateTime - TimeSpan.FromDays(1);
        foreach (var file in Directory.EnumerateFiles(Folder, "*.log"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                }
            }
            catch (IOException)
            {
                // Another test process may be pruning or writing the same folder; its file is not ours to fight over.
            }
        }

        return true;
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            // Background services may still log while the host stops; the test's file is already closed then.
            if (!_disposed)
            {
                _writer.WriteLine(line);
            }
        }
    }

    private sealed class FileLogger(HostLogFile file, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = string.Create(
                CultureInfo.InvariantCulture,
                $"{TimeProvider.System.GetUtcNow():HH:mm:ss.fff} {logLevel,-11} {category}[{eventId.Id}] {formatter(state, exception)}");
            file.Write(exception is null ? line : line + Environment.NewLine + exception);
        }
    }
}
