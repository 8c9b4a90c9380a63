using System.Globalization;
using Bulwark.ControlRoom.Metrics;
using Bulwark.ControlRoom.Rendering;
using Bulwark.Resilience.CircuitBreaker;
using Bulwark.Resilience.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Polly.CircuitBreaker;

namespace Bulwark.ControlRoom.Panels;

/// <summary>Every breaker's state with isolate/reset, and the most recent transitions.</summary>
internal sealed class CircuitBreakersPanel(MetricReadings readings, CircuitBreakerRegistry? registry = null, IConfiguration? configuration = null)
    : IControlRoomPanel
{
    public string Id => "breakers";

    public string Title => "Circuit breakers";

    public Task RenderAsync(ControlRoomHtml html, CancellationToken cancellationToken)
    {
        if (registry is null)
        {
            html.Paragraph("No circuit breakers: this application does not call AddBulwarkResilience.", "muted");
            return Task.CompletedTask;
        }

        var breakers = Breakers(registry);
        if (breakers.Count == 0)
        {
            html.Paragraph("No circuit breaker is configured (Bulwark:Resilience:CircuitBreakers).", "muted");
        }
        else
        {
            html.BeginTable("Circuit breakers and their states", "Breaker", "State", "Mode", "Break", "Actions");
            foreach (var breaker in breakers)
            {
                var state = StateName(breaker.State);
                html.BeginRow(breaker.Name);
                html.Cell(breaker.Name);
                html.Cell(state, breaker.State switch
                {
                    CircuitState.Closed => "ok",
                    CircuitState.HalfOpen => "warn",
                    _ => "bad",
                });
                html.Cell(breaker.Options.Mode.ToString());
                html.Cell(breaker.Options.BreakDuration.ToString("c", CultureInfo.InvariantCulture));
                html.BeginCell();
                if (breaker.State != CircuitState.Isolated)
                {
                    html.ActionButton("isolate", "Isolate", $"Isolate breaker {breaker.Name}", ("name", breaker.Name));
                }

                if (breaker.State != CircuitState.Closed)
                {
                    html.ActionButton("reset", "Reset", $"Reset breaker {breaker.Name}", ("name", breaker.Name));
                }

                html.EndCell();
                html.EndRow();
            }

            html.EndTable();
        }

        var transitions = readings.BreakerTransitions();
        html.Heading("Recent transitions");
        if (transitions.Count == 0)
        {
            html.Paragraph("No breaker has changed state since the process started.", "muted");
            return Task.CompletedTask;
        }

        html.BeginTable("Breaker state changes, newest first", "At (UTC)", "Breaker", "Moved to");
        foreach (var t in transitions.Take(15))
        {
            html.BeginRow();
            html.Cell(t.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
            html.Cell(t.Breaker);
            html.Cell(t.State, t.State == "closed" ? "ok" : t.State == "half-open" ? "warn" : "bad");
            html.EndRow();
        }

        html.EndTable();
        return Task.CompletedTask;
    }

    public Task<string?> ActAsync(string action, IFormCollection form, CancellationToken cancellationToken)
    {
        if (registry is null || form["name"].ToString() is not { Length: > 0 } name
            || Breakers(registry).Find(b => b.Name == name) is not { } breaker)
        {
            return Task.FromResult<string?>(null);
        }

        switch (action)
        {
            case "isolate":
                breaker.Isolate();
                return Task.FromResult<string?>($"Breaker {name} is isolated: calls through it are refused until it is reset.");
            case "reset":
                breaker.Reset();
                return Task.FromResult<string?>($"Breaker {name} is closed and its counts are cleared.");
            default:
                return Task.FromResult<string?>(null);
        }
    }

    // Breakers are created when their pipeline is first built; the configured ones are created here so an operator can
    // isolate a dependency before the first call to it (the pipeline gets the same instance from the registry).
    private List<BulwarkCircuitBreaker> Breakers(CircuitBreakerRegistry breakers)
    {
        var configured = configuration?.GetSection(ResilienceServiceCollectionExtensions.SectionName).GetSection("CircuitBreakers").GetChildren().Select(c => c.Key) ?? [];
        foreach (var name in configured)
        {
            breakers.Get(name);
        }

        return [.. breakers.All.OrderBy(b => b.Name, StringComparer.Ordinal)];
    }

    internal static string StateName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half-open",
        _ => "isolated",
    };
}
