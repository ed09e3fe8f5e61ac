// Hands the ES module instances of @nestjs/common and @nestjs/core to CommonJS packages (resolver.cjs).
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';

Object.assign(globalThis, { __jestNestCommon: common, __jestNestCore: core });
