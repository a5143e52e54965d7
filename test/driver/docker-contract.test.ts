// Runs the shared driver contract against the real Docker engine.
import { driverContract } from "../../internal/driver/contract.js";
import { dockerHarness } from "./docker-harness.js";

driverContract("docker", dockerHarness);
