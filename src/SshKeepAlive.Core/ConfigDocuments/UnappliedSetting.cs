namespace SshKeepAlive.Core.ConfigDocuments
{
    /// <summary>Why a line that sets a keyword does not give the keyword its value for a target.</summary>
    public enum UnappliedReason
    {
        /// <summary>OpenSSH read the line, but an earlier line had already set the keyword (first value wins).</summary>
        EarlierValueWins,

        /// <summary>The line is in a Host or Match block that does not match the target, so OpenSSH skips it.</summary>
        BlockDoesNotMatch,
    }

    /// <summary>A line setting a keyword that has no effect for one resolution, with the line that has.</summary>
    public sealed class UnappliedSetting
    {
        internal UnappliedSetting(string name, object? value, string rawText, ConfigSource source, UnappliedReason reason, ConfigSource? winner)
        {
            Name = name;
            Value = value;
            RawText = rawText;
            Source = source;
            Reason = reason;
            Winner = winner;
        }

        /// <summary>OpenSSH's spelling of the keyword.</summary>
        public string Name { get; }

        /// <summary>The value the line would give, typed as <see cref="EffectiveSetting.Value"/>.</summary>
        public object? Value { get; }

        /// <summary>The line's arguments as written.</summary>
        public string RawText { get; }

        public ConfigSource Source { get; }

        public UnappliedReason Reason { get; }

        /// <summary>For <see cref="UnappliedReason.EarlierValueWins"/>, the line that set the keyword first; otherwise null.</summary>
        public ConfigSource? Winner { get; }

        public override string ToString() => $"{Name} {RawText} ({Source}): {Reason}" + (Winner == null ? string.Empty : " to " + Winner);
    }
}
