using System.ComponentModel.DataAnnotations;

namespace Bulwark.Drills.Proxy;

/// <summary>Where a <see cref="FaultProxy"/> listens and what it forwards to. Both ends are loopback only.</summary>
public sealed class FaultProxyOptions
{
    /// <summary>The upstream's host: an IP literal on loopback or <c>localhost</c>.</summary>
    /// <value>The default value is <c>127.0.0.1</c>.</value>
    [Required]
    public string UpstreamHost { get; set; } = "127.0.0.1";

    /// <summary>The upstream's port (e.g. 5432 for PostgreSQL, 6379 for Redis).</summary>
    [Range(1, 65535)]
    public int UpstreamPort { get; set; }

    /// <summary>The port to listen on, on 127.0.0.1; 0 picks a free one.</summary>
    /// <value>The default value is 0.</value>
    [Range(0, 65535)]
    public int ListenPort { get; set; }

    /// <summary>Open connections at most; further connects are reset, so a drill cannot exhaust the machine.</summary>
    /// <value>The default value is 1024.</value>
    [Range(1, 65_536)]
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Checks the annotations and the loopback rule.</summary>
    /// <exception cref="ValidationException">An option is out of range.</exception>
    /// <exception cref="Targets.NonLoopbackTargetException">The upstream is not on loopback.</exception>
    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (!Targets.LoopbackTarget.IsLoopbackHost(UpstreamHost))
        {
            throw new Targets.NonLoopbackTargetException($"{UpstreamHost}:{UpstreamPort}");
        }
    }
}
