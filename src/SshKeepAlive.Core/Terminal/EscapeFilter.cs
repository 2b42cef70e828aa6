using System.Collections.Generic;

namespace SshKeepAlive.Core.Terminal
{
    /// <summary>
    /// ssh's escape: <c>~.</c> typed at the start of a line disconnects; <c>~~</c> sends one <c>~</c>;
    /// a <c>~</c> followed by anything else is sent as typed.
    /// </summary>
    public sealed class EscapeFilter
    {
        private bool atLineStart = true;
        private bool pendingTilde;

        /// <summary>Takes the next byte as the start of a line (a pending <c>~</c> is dropped), as at the start of a session.</summary>
        public void StartLine()
        {
            atLineStart = true;
            pendingTilde = false;
        }

        /// <summary>Bytes to forward for <paramref name="input"/>; <paramref name="disconnect"/> set on <c>~.</c>.</summary>
        public byte[] Filter(byte[] input, int count, out bool disconnect)
        {
            disconnect = false;
            var forward = new List<byte>(count + 1);
            for (int i = 0; i < count; i++)
            {
                byte b = input[i];
                if (pendingTilde)
                {
                    pendingTilde = false;
                    if (b == (byte)'.')
                    {
                        disconnect = true;
                        return forward.ToArray();
                    }

                    if (b != (byte)'~')
                    {
                        forward.Add((byte)'~');
                    }

                    forward.Add(b);
                }
                else if (b == (byte)'~' && atLineStart)
                {
                    pendingTilde = true;
                    continue;
                }
                else
                {
                    forward.Add(b);
                }

                atLineStart = b == (byte)'\r' || b == (byte)'\n';
            }

            return forward.ToArray();
        }
    }
}
