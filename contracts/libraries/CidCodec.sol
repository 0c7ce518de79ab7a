// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title CidCodec: canonical CIDv1 strings <-> their 32-byte sha2-256 digest
/// @notice A result CID is stored as one word when it is the canonical base32 form of a CIDv1 with a
/// sha2-256 multihash and the raw (0x55) or dag-pb (0x70) codec, as `ipfs add --cid-version 1`
/// prints it ("bafkrei..." / "bafybei...", 59 characters); that is what Lilypad and the local node
/// post. `compress` accepts a string only if `expand` gives back exactly the same string, so any
/// other text (CIDv0 "Qm...", other codecs, upper case) is stored as it is by the caller.
///
/// Both directions work on whole words (SWAR), not character by character: the 58 base32
/// characters after the "b" carry 290 bits, V = prefix (32) | digest (256) | padding (2), and are
/// handled as two groups of 32 byte lanes, 26 characters (V's top 130 bits) and 32 characters (its
/// low 160 bits). `_spread` moves 32 five-bit groups into 32 byte lanes by halving the lane width
/// five times (80, 40, 20, 10, 5 bits); `_gather` undoes it. One character per lane needs no loop.
library CidCodec {
    /// @dev Forms a stored result can take (2 bits).
    uint256 internal constant NONE = 0;
    uint256 internal constant RAW = 1; // CIDv1, codec raw (0x55), sha2-256
    uint256 internal constant DAG_PB = 2; // CIDv1, codec dag-pb (0x70), sha2-256
    uint256 internal constant TEXT = 3; // anything else, stored as text

    uint256 private constant LENGTH = 59; // "b" + 58 base32 characters for 36 bytes
    uint256 private constant PREFIX_RAW = 0x01551220; // version 1, raw, sha2-256, 32 bytes
    uint256 private constant PREFIX_DAG_PB = 0x01701220;

    /// @dev `b` in every byte lane.
    uint256 private constant ONES = 0x0101010101010101010101010101010101010101010101010101010101010101;
    uint256 private constant HIGH = 0x8080808080808080808080808080808080808080808080808080808080808080;
    uint256 private constant LOW7 = 0x7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f;

    /// @notice The digest and form of `cid`, or `ok = false` when it is not a canonical CIDv1 of the
    /// two supported kinds.
    function compress(bytes calldata cid) internal pure returns (bool ok, bytes32 digest, uint256 form) {
        if (cid.length != LENGTH || cid[0] != "b") return (false, 0, 0);
        uint256 top; // characters 1..26, in the low 26 lanes (the top 6 lanes hold "a", value 0)
        uint256 bottom; // characters 27..58
        assembly {
            top := or(shr(48, calldataload(add(cid.offset, 1))), shl(208, 0x616161616161))
            bottom := calldataload(add(cid.offset, 27))
        }
        (bool topOk, uint256 hi) = _values(top);
        (bool bottomOk, uint256 lo) = _values(bottom);
        if (!topOk || !bottomOk) return (false, 0, 0);
        hi = _gather(hi); // V >> 160: prefix (32) | the digest's top 98 bits
        lo = _gather(lo); // V mod 2^160: the digest's low 158 bits | padding (2)
        if (lo & 3 != 0) return (false, 0, 0); // the canonical encoding pads with zero bits
        digest = bytes32((hi << 158) | (lo >> 2)); // hi << 158 drops the prefix off the word
        uint256 prefix = hi >> 98;
        if (prefix == PREFIX_RAW) return (true, digest, RAW);
        if (prefix == PREFIX_DAG_PB) return (true, digest, DAG_PB);
        return (false, 0, 0);
    }

    /// @notice The CID string of `digest` in `form` (RAW or DAG_PB).
    function expand(bytes32 digest, uint256 form) internal pure returns (bytes memory out) {
        uint256 prefix = form == RAW ? PREFIX_RAW : PREFIX_DAG_PB;
        // Lane 5 of the top group holds value 1, which is "b": the multibase prefix comes for free.
        uint256 top = _chars(_spread((1 << 130) | (prefix << 98) | (uint256(digest) >> 158)));
        uint256 bottom = _chars(_spread((uint256(digest) << 2) & type(uint160).max));
        assembly {
            out := mload(0x40)
            mstore(0x40, add(out, 96))
            mstore(add(out, 27), top) // lanes 0..4 land in the length word, rewritten next
            mstore(out, LENGTH)
            mstore(add(out, 64), 0) // zero tail after the 59th byte
            mstore(add(out, 59), bottom)
        }
    }

    /// @dev 32 five-bit groups of `x` (its low 160 bits, most significant first) into 32 byte lanes.
    function _spread(uint256 x) private pure returns (uint256) {
        x = ((x & ~uint256(type(uint80).max)) << 48) | (x & type(uint80).max);
        x = ((x & 0xffffffffff0000000000000000000000ffffffffff0000000000) << 24)
            | (x & 0xffffffffff0000000000000000000000ffffffffff);
        x = ((x & 0xfffff00000000000fffff00000000000fffff00000000000fffff00000) << 12)
            | (x & 0xfffff00000000000fffff00000000000fffff00000000000fffff);
        x = ((x & 0xffc00000ffc00000ffc00000ffc00000ffc00000ffc00000ffc00000ffc00) << 6)
            | (x & 0x3ff000003ff000003ff000003ff000003ff000003ff000003ff000003ff);
        x = ((x & 0x3e003e003e003e003e003e003e003e003e003e003e003e003e003e003e003e0) << 3)
            | (x & 0x1f001f001f001f001f001f001f001f001f001f001f001f001f001f001f001f);
        return x;
    }

    /// @dev The inverse of `_spread`: 32 byte lanes of five bits each into one 160-bit value.
    function _gather(uint256 x) private pure returns (uint256) {
        x = ((x & 0x1f001f001f001f001f001f001f001f001f001f001f001f001f001f001f001f00) >> 3)
            | (x & 0x1f001f001f001f001f001f001f001f001f001f001f001f001f001f001f001f);
        x = ((x & 0x3ff000003ff000003ff000003ff000003ff000003ff000003ff000003ff0000) >> 6)
            | (x & 0x3ff000003ff000003ff000003ff000003ff000003ff000003ff000003ff);
        x = ((x & 0xfffff00000000000fffff00000000000fffff00000000000fffff00000000) >> 12)
            | (x & 0xfffff00000000000fffff00000000000fffff00000000000fffff);
        x = ((x & 0xffffffffff0000000000000000000000ffffffffff0000000000000000) >> 24)
            | (x & 0xffffffffff0000000000000000000000ffffffffff);
        x = ((x & (uint256(type(uint80).max) << 128)) >> 48) | (x & type(uint80).max);
        return x;
    }

    /// @dev Base32 (RFC 4648, lower case) characters for 32 lanes of values 0..31: "a" + v below 26,
    /// "2" + (v - 26) from 26 on.
    function _chars(uint256 v) private pure returns (uint256) {
        unchecked {
            uint256 digit = ((v + 6 * ONES) & (0x20 * ONES)) >> 5; // 1 in lanes where v >= 26
            return v + 0x61 * ONES - digit * 0x49; // lane by lane: no carry, no borrow
        }
    }

    /// @dev The values of 32 base32 characters, one a lane; `ok` is false if any lane holds
    /// something else (upper case, "0", "1", "8", "9", or any other byte).
    function _values(uint256 c) private pure returns (bool ok, uint256 v) {
        unchecked {
            uint256 c7 = c & LOW7; // below 0x80 in every lane, so the sums below never carry out of one
            uint256 ascii = ~c & HIGH;
            uint256 letter = (c7 + (0x80 - 0x61) * ONES) & ~(c7 + (0x80 - 0x7b) * ONES); // 0x61 <= c <= 0x7a
            uint256 digit = (c7 + (0x80 - 0x32) * ONES) & ~(c7 + (0x80 - 0x38) * ONES); // 0x32 <= c <= 0x37
            ok = ((letter | digit) & ascii) == HIGH;
            // letters: c - 0x61; digits: c - 0x18 = c + 0x49 - 0x61 (when ok, no lane goes below zero).
            v = c + ((digit & HIGH) >> 7) * 0x49 - 0x61 * ONES;
        }
    }
}
