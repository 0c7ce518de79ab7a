// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {CidCodec} from "../libraries/CidCodec.sol";

/// @notice Exposes CidCodec to the tests.
contract CidCodecHarness {
    function compress(string calldata cid) external pure returns (bool ok, bytes32 digest, uint256 form) {
        return CidCodec.compress(bytes(cid));
    }

    function expand(bytes32 digest, uint256 form) external pure returns (string memory) {
        return string(CidCodec.expand(digest, form));
    }
}
