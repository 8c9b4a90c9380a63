using Bulwark.Observability.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bulwark.Drills.Tests.Needle;

/// <summary>
/// The in-process shop's log as an operator has it: the shop's own JSON lines (<see cref="JsonLineFormatter"/>) in a
/// file, as <c>dotnet run &gt; shop.log</c> would write them. In-process hosts share the test's console, so the file
/// stands in for the redirected stdout; the formatter and the levels are the shop's.
/// </summary>
internal sealed class JsonLogFile : ILoggerProvider, ISupportExternalScope
{
    private readonly StreamWriter _writer;
    private readonly JsonLineFormatter _formatter;
    private readonly Lock _lock = new();
    private IExternalScopeProvider? _scopes;
    private bool _disposed;

    public JsonLogFile(string path)
    {
        Path = path;
        // Flushed per line: the drill reads the file while the shop writes it.
        _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete)) { AutoFlush = true };
        _formatter = new JsonLineFormatter(new Fixed(new JsonLineFormatterOptions { ServiceName = "Shop.Host", ServiceVersion = "test" }), TimeProvider.System);
    }

    public string Path { get; }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private void Write<TState>(in LogEntry<TState> entry)
    {
        using var text = new StringWriter();
        _formatter.Write(entry, _scopes, text);
        lock (_lock)
        {
            // Background services may still log while the host stops, after the file is closed.
            if (!_disposed)
            {
                _writer.Write(text.ToString());
            }
        }
    }

    private sealed class Logger(JsonLogFile file, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => file._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            file.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter));
    }

    private sealed class Fixed(JsonLineFormatterOptions value) : IOptionsMonitor<JsonLineFormatterOptions>
    {
        public JsonLineFormatterOptions CurrentValue => value;

        public JsonLineFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<JsonLineFormatterOptions, string?> listener) => null;
    }
}
