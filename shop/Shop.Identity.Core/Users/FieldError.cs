namespace Shop.Identity.Users;

/// <summary>Why one input field was refused; the HTTP answer names <see cref="Field"/>.</summary>
public sealed record FieldError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
