using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Sidecar.Proxy;

/// <summary>
/// Checks each upstream (data annotations do not walk dictionary values) and that the pipeline it names is configured,
/// so a typo stops the sidecar at start-up with the key to fix rather than forwarding without resilience.
/// </summary>
internal sealed class UpstreamValidator(IConfiguration pipelines) : IValidateOptions<SidecarOptions>
{
    public ValidateOptionsResult Validate(string? name, SidecarOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        foreach (var (upstream, settings) in options.Upstreams)
        {
            var key = $"{SidecarOptions.SectionName}:Upstreams:{upstream}";
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(settings, new ValidationContext(settings), results, validateAllProperties: true))
            {
                errors.AddRange(results.Select(r => $"{key}: {r.ErrorMessage}"));
            }

            if (!Uri.TryCreate(settings.Address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"{key}:Address needs an absolute http(s) URL, not '{settings.Address}'.");
            }

            if (!settings.Path.StartsWith('/'))
            {
                errors.Add($"{key}:Path must start with '/', e.g. /recommendations/{{**rest}}; got '{settings.Path}'.");
            }

            var pipeline = settings.Pipeline ?? upstream;
            if (!pipelines.GetSection(pipeline).Exists())
            {
                errors.Add($"{key} is called through the resilience pipeline '{pipeline}', but Bulwark:Resilience:Pipelines:{pipeline} is not configured; add it (Timeout, Retry, RetryBudget, CircuitBreaker) or set {key}:Pipeline.");
            }
        }

        foreach (var clash in options.Upstreams.GroupBy(u => u.Value.Path, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"Upstreams {string.Join(" and ", clash.Select(u => u.Key))} share the path '{clash.Key}'; give each its own {SidecarOptions.SectionName}:Upstreams:{{name}}:Path.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
